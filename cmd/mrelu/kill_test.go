package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mrelu/mrelu/rundir"
)

// buildMrelu builds the command into a temporary folder and returns its
// path; the test is skipped without a go tool.
func buildMrelu(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool on PATH to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "mrelu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startUntil starts cmd (its stderr into a buffer) and waits until the
// file path exists; after 60 s without it, it kills cmd and fails.
func startUntil(t *testing.T, cmd *exec.Cmd, path string) *bytes.Buffer {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return &stderr
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no %s after 60 s: %s", filepath.Base(path), stderr.String())
		}
	}
}

// checkOutputs fails on any half-written output in dir: every .json must
// parse and every .csv must have rows of its header's width. Temporary
// files of the atomic writer (".name.tmp-*", left only by SIGKILL during a
// write) are the only other files allowed besides the outputs.
func checkOutputs(t *testing.T, dir string) (files int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch name := d.Name(); {
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-"):
			t.Logf("temporary file left by the kill: %s", name)
		case strings.HasSuffix(name, ".json"):
			if !json.Valid(b) {
				t.Errorf("%s is not valid JSON (%d bytes)", path, len(b))
			}
		case strings.HasSuffix(name, ".csv"):
			if _, err := csv.NewReader(bytes.NewReader(b)).ReadAll(); err != nil || !bytes.HasSuffix(b, []byte("\n")) {
				t.Errorf("%s: inconsistent CSV: %v", path, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestKillMidEpochAndResume runs the real binary on a synthetic set, stops
// it in the middle of an epoch after its first checkpoint, with SIGINT
// (graceful: exit status 130 and a note on how to resume) and with SIGKILL
// (no chance to clean up), checks that the output folder holds no
// half-written file, resumes each run to completion and compares the
// result with a run that was never interrupted, bit for bit. Then the same
// for a fig4 study stopped by SIGINT (fig4InterruptAndResume).
func TestKillMidEpochAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildMrelu(t)
	data := tinySets(t, 20000, 200, 1) // ~2000 steps per epoch
	common := []string{"train", "--data", data, "--batch", "10", "--hidden", "16,16", "--seed", "4"}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			cmd := exec.Command(bin, append(common, "--epochs", "1000", "--out", out)...)
			ck := filepath.Join(out, rundir.CheckpointDir, rundir.CheckpointFile)
			stderr := startUntil(t, cmd, ck)
			time.Sleep(5 * time.Millisecond) // into the next epoch
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("run not stopped by %v: %v", sig, err)
			}
			if sig == syscall.SIGINT {
				msg := stderr.String()
				if ee.ExitCode() != 130 || !strings.Contains(msg, "mrelu: train: interrupted ") ||
					!strings.Contains(msg, "resume with: mrelu train --resume "+out+" --out "+out+" --force") {
					t.Fatalf("exit %d, stderr %q", ee.ExitCode(), msg)
				}
				t.Log(strings.TrimSpace(msg[strings.LastIndex(strings.TrimSpace(msg), "\n")+1:]))
			} else if st, ok := ee.Sys().(syscall.WaitStatus); !ok || st.Signal() != syscall.SIGKILL {
				t.Fatalf("not killed: %v", err)
			}
			if n := checkOutputs(t, out); n == 0 {
				t.Fatal("nothing written")
			}
			if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
				t.Fatal("an interrupted run wrote its summary")
			}
			// The latest checkpoint: checkpoint.json, or previous.json when
			// the kill came between its rename and the new write.
			all, err := rundir.Open(out).Checkpoints("")
			if err != nil {
				t.Fatal(err)
			}
			saved := all[0]
			if sig == syscall.SIGINT {
				// Stopped in the epoch after the checkpoint (or, if the signal
				// came while that checkpoint was being written, just after it).
				mid := fmt.Sprintf("interrupted in epoch %d (step ", saved.Epoch()+1)
				between := fmt.Sprintf("interrupted before epoch %d;", saved.Epoch()+1)
				if msg := stderr.String(); !strings.Contains(msg, mid) && !strings.Contains(msg, between) ||
					!strings.Contains(msg, fmt.Sprintf("the state after epoch %d is saved", saved.Epoch())) {
					t.Errorf("the last checkpoint is after epoch %d, but: %q", saved.Epoch(), msg)
				}
			}
			total := saved.Epoch() + 2
			t.Logf("stopped after checkpoint %d; resuming to %d epochs", saved.Epoch(), total)
			res := exec.Command(bin, "train", "--resume", out, "--out", out, "--force", "--epochs", strconv.Itoa(total))
			if b, err := res.CombinedOutput(); err != nil {
				t.Fatalf("resume: %v\n%s", err, b)
			}
			checkOutputs(t, out)
			ref := filepath.Join(t.TempDir(), "ref")
			runOK(t, append(common, "--epochs", strconv.Itoa(total), "--out", ref)...)
			sameState(t, "resumed after "+sig.String(), readCheckpoint(t, filepath.Join(ref, rundir.CheckpointDir, rundir.CheckpointFile)).State,
				readCheckpoint(t, ck).State)
			if a, b := metricsWithoutTimes(t, filepath.Join(ref, "metrics.csv")), metricsWithoutTimes(t, filepath.Join(out, "metrics.csv")); len(a) != total+1 || len(b) != total+1 {
				t.Errorf("metrics.csv rows: %d and %d, want %d", len(a), len(b), total+1)
			}
		})
	}
	t.Run("fig4-interrupt", func(t *testing.T) { fig4InterruptAndResume(t, bin, data) })
}

// fig4InterruptAndResume stops a fig4 study with SIGINT during its first
// run and resumes it to completion.
func fig4InterruptAndResume(t *testing.T, bin, data string) {
	out := filepath.Join(t.TempDir(), "fig4")
	cmd := exec.Command(bin, "fig4", "--data", data, "--batch", "10", "--hidden", "8", "--acts", "relu,mrelu", "--sweep", "0.099", "--epochs", "1000", "--out", out)
	stderr := startUntil(t, cmd, filepath.Join(out, "runs", "relu", rundir.CheckpointDir, rundir.CheckpointFile))
	cmd.Process.Signal(syscall.SIGINT)
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.ExitCode() != 130 ||
		!strings.Contains(stderr.String(), "mrelu: fig4: interrupted ") ||
		!strings.Contains(stderr.String(), "resume with: mrelu fig4 --resume "+out+" --out "+out+" --force") {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	checkOutputs(t, out)
	all, err := rundir.Open(out).Checkpoints("relu")
	if err != nil {
		t.Fatal(err)
	}
	saved := all[0]
	res := exec.Command(bin, "fig4", "--resume", out, "--out", out, "--force", "--epochs", strconv.Itoa(saved.Epoch()+1))
	if b, err := res.CombinedOutput(); err != nil || !strings.Contains(string(b), "relu (resuming after epoch") {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	checkOutputs(t, out)
	requireFiles(t, out, "summary.json", "runs/relu/summary.json", "runs/mrelu/summary.json")
}
