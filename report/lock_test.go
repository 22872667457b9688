package report

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestLockHelper is not a test: run by TestOutputLockAcrossProcesses as a
// child process, it locks the folder named by MRELU_LOCK_HELPER, says so
// and waits for its standard input to close (or to be killed).
func TestLockHelper(t *testing.T) {
	dir := os.Getenv("MRELU_LOCK_HELPER")
	if dir == "" {
		t.Skip("helper process of TestOutputLockAcrossProcesses")
	}
	if err := PrepareOut(dir, true); err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}

// TestOutputLockAcrossProcesses: while another process holds an output
// folder (PrepareOut with --force), PrepareOut refuses it with
// ErrOutInUse naming that process's PID and the lock file; a kill -9 of
// the holder releases the lock (the file left behind is not a stale lock
// and does not make the folder non-empty).
func TestOutputLockAcrossProcesses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	dir := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "MRELU_LOCK_HELPER="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper: %q", line)
	}
	err = PrepareOut(dir, true)
	want := fmt.Sprintf("output folder %s is in use by process %d (lock file %s)", dir, cmd.Process.Pid, filepath.Join(dir, LockFile))
	if !errors.Is(err, ErrOutInUse) || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("second run: %v, want ErrOutInUse with %q", err, want)
	}
	UnlockOutputs()
	// kill -9: the kernel drops the flock with the process.
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
		t.Errorf("the killed holder's lock file: %v (expected it left behind)", err)
	}
	if err := PrepareOut(dir, false); err != nil {
		t.Errorf("after the holder was killed: %v", err)
	}
	UnlockOutputs()
	if _, err := os.Stat(filepath.Join(dir, LockFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after UnlockOutputs: %v, want it removed", err)
	}
}

// TestOutputLockInProcess: two PrepareOut calls on one folder contend
// within a process too (two goroutines running commands): the second is
// refused until the first is released.
func TestOutputLockInProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	dir := t.TempDir()
	defer UnlockOutputs()
	if err := PrepareOut(dir, true); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	go func() { errc <- PrepareOut(dir, true) }()
	err := <-errc
	want := fmt.Sprintf("is in use by process %d (lock file %s)", os.Getpid(), filepath.Join(dir, LockFile))
	if !errors.Is(err, ErrOutInUse) || !strings.Contains(err.Error(), want) {
		t.Fatalf("second PrepareOut: %v, want ErrOutInUse with %q", err, want)
	}
	UnlockOutputs()
	if err := PrepareOut(dir, false); err != nil {
		t.Fatalf("after release, an empty folder: %v", err)
	}
}
