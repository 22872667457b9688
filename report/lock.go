package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// LockFile is the name of the lock file PrepareOut creates in an output
// folder while a run writes into it. It holds the writing process's PID.
const LockFile = ".mrelu.lock"

// ErrOutInUse is wrapped by PrepareOut's error when another run (another
// process, or another PrepareOut of this one) holds the folder's lock.
var ErrOutInUse = errors.New("output folder is in use")

// inUseError is the message of a refused lock, wrapping ErrOutInUse.
type inUseError struct{ msg string }

func (e inUseError) Error() string { return e.msg }
func (e inUseError) Unwrap() error { return ErrOutInUse }

// heldLocks are the lock files this process holds, released by
// UnlockOutputs or, at the latest, by the kernel when the process ends
// (also after kill -9: an flock dies with its last file descriptor, so a
// lock file left behind is never a stale lock).
var heldLocks struct {
	sync.Mutex
	files []*os.File
}

// lockOut takes an exclusive, non-blocking lock on dir/.mrelu.lock and
// keeps it until UnlockOutputs. The lock file is created if needed and
// holds the PID of its holder (for the message of the run that is
// refused).
func lockOut(dir string) error {
	path := filepath.Join(dir, LockFile)
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("output folder %s: lock: %w", dir, err)
		}
		if err := flock(f); err != nil {
			f.Close()
			if errors.Is(err, errLocked) {
				holder := "another process"
				if b, rerr := os.ReadFile(path); rerr == nil {
					if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
						holder = "process " + strconv.Itoa(pid)
					}
				}
				return inUseError{fmt.Sprintf("output folder %s is in use by %s (lock file %s); wait for it to end or choose another --out", dir, holder, path)}
			}
			return fmt.Errorf("output folder %s: lock %s: %w", dir, path, err)
		}
		// The holder before us may have removed the file between our open
		// and our flock; then we hold a lock on a file no one else will
		// open, so try again on the file now at path.
		if same, err := sameFile(f, path); err != nil || !same {
			f.Close()
			if attempt >= 10 {
				if err == nil {
					err = errors.New("the lock file keeps changing")
				}
				return fmt.Errorf("output folder %s: lock %s: %w", dir, path, err)
			}
			continue
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		heldLocks.Lock()
		heldLocks.files = append(heldLocks.files, f)
		heldLocks.Unlock()
		return nil
	}
}

// sameFile reports whether the open file f is the file at path.
func sameFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// UnlockOutputs releases every output-folder lock this process holds and
// removes the lock files. cmd/mrelu calls it when a command returns; a
// process that ends without calling it loses its locks all the same.
func UnlockOutputs() {
	heldLocks.Lock()
	files := heldLocks.files
	heldLocks.files = nil
	heldLocks.Unlock()
	for _, f := range files {
		// Remove while still holding the lock: a run waiting for it then
		// finds the file gone (sameFile) and creates a new one.
		os.Remove(f.Name())
		f.Close()
	}
}
