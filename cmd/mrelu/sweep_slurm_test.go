package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrelu/mrelu/sweep"
)

// slurmReady reports whether a Slurm cluster with an idle node answers.
func slurmReady() (bool, string) {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return false, "sbatch is not on PATH"
	}
	out, err := exec.Command("sinfo", "-h", "-o", "%T").Output()
	if err != nil {
		return false, fmt.Sprintf("sinfo: %v", err)
	}
	for _, s := range strings.Fields(string(out)) {
		if s == "idle" || s == "mixed" {
			return true, ""
		}
	}
	return false, fmt.Sprintf("no idle node (sinfo: %q)", strings.TrimSpace(string(out)))
}

// TestSweepSlurmArray submits the tiny sweep as a real Slurm array of 4
// tasks running deploy/slurm/sweep.sbatch with the mrelu binary, merges
// and checks results.csv is byte-identical to a single-process run. It is
// skipped without a Slurm cluster, unless MRELU_SLURM=1 (as .ci/run sets
// after .ci/slurm-up), which requires one.
func TestSweepSlurmArray(t *testing.T) {
	if ok, why := slurmReady(); !ok {
		if os.Getenv("MRELU_SLURM") == "1" {
			t.Fatalf("MRELU_SLURM=1 but no Slurm cluster: %s (start one with .ci/slurm-up)", why)
		}
		t.Skipf("no Slurm cluster: %s (MRELU_SLURM=1 requires one)", why)
	}
	spec := writeSpec(t, tinyTransferSpec)
	work := t.TempDir()
	bin := filepath.Join(work, "mrelu")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "deploy", "slurm", "sweep.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(work, "slurm-sweep")
	start := time.Now()
	cmd := exec.Command("sbatch", "--parsable", "--array=0-3", "--job-name=mrelu-sweep-test",
		"--chdir="+work, "--output="+filepath.Join(work, "task-%a.out"),
		"--export=ALL,MRELU="+bin+",SPEC="+spec+",OUT="+out, script)
	sub, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sbatch: %v\n%s", err, sub)
	}
	jobID := strings.TrimSpace(strings.Split(string(sub), ";")[0])
	t.Logf("submitted Slurm array job %s", jobID)
	t.Cleanup(func() { exec.Command("scancel", jobID).Run() })

	s, err := sweep.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	pts, _ := s.Points()
	ms, _ := s.ParsedMetrics()
	logs := func() string {
		var b strings.Builder
		for k := range 4 {
			l, _ := os.ReadFile(filepath.Join(work, fmt.Sprintf("task-%d.out", k)))
			fmt.Fprintf(&b, "--- task %d:\n%s", k, l)
		}
		return b.String()
	}
	// Poll the result files (quicker than sbatch --wait); give up when
	// the job has left the queue without them, or after 3 minutes.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		done := countDone(out, s, pts, ms)
		if done == len(pts) {
			break
		}
		q, _ := exec.Command("squeue", "-h", "-j", jobID).Output()
		if time.Now().After(deadline) || (len(bytes.TrimSpace(q)) == 0 && time.Since(start) > 5*time.Second && !tasksRunning(work)) {
			time.Sleep(500 * time.Millisecond) // a last result may be landing
			if done = countDone(out, s, pts, ms); done == len(pts) {
				break
			}
			t.Fatalf("%d of %d points after %.0f s (squeue: %q)\n%s", done, len(pts), time.Since(start).Seconds(), q, logs())
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("4 array tasks finished %d points in %.1f s", len(pts), time.Since(start).Seconds())
	// Each task ran its own shard, found in its environment.
	for k := range 4 {
		want := fmt.Sprintf("shard %d/4 (Slurm array task): 2 points", k)
		if l, _ := os.ReadFile(filepath.Join(work, fmt.Sprintf("task-%d.out", k))); !strings.Contains(string(l), want) {
			t.Errorf("task %d: no %q in its output\n%s", k, want, logs())
		}
	}
	runOK(t, "sweep", "merge", out, "--plots=false")
	// The single-process run, with the same binary as the tasks.
	single := filepath.Join(work, "single")
	for _, args := range [][]string{{"sweep", spec, "--out", single}, {"sweep", "merge", single, "--plots=false"}} {
		if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, b)
		}
	}
	a, err1 := os.ReadFile(filepath.Join(out, sweep.ResultsCSV))
	b, err2 := os.ReadFile(filepath.Join(single, sweep.ResultsCSV))
	if err := errors.Join(err1, err2); err != nil || len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("results.csv of the Slurm run and of one process differ (%v):\n%s\nvs\n%s", err, a, b)
	}
}

func countDone(out string, s *sweep.Spec, pts []sweep.Point, ms []sweep.Metric) int {
	n := 0
	for _, p := range pts {
		if _, err := sweep.ReadResult(out, s.Hash(), p, ms); err == nil {
			n++
		}
	}
	return n
}

// tasksRunning: some task's output file was written in the last second.
func tasksRunning(work string) bool {
	m, _ := filepath.Glob(filepath.Join(work, "task-*.out"))
	for _, f := range m {
		if st, err := os.Stat(f); err == nil && time.Since(st.ModTime()) < time.Second {
			return true
		}
	}
	return false
}
