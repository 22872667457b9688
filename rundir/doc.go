// Package rundir owns a run's output folder (the --out DIR of
// `mrelu train` and `mrelu fig4`) as a value, Dir: creating and locking it,
// its params.json, the checkpoints a run saves after every epoch and the
// resume of a saved run from them.
//
// A folder's layout:
//
//	DIR/.mrelu.lock                     the lock while a run writes (report.LockFile)
//	DIR/params.json                     the hardware and settings the run used (package params)
//	DIR/checkpoint/checkpoint.json      a train run: the state after its last epoch
//	DIR/checkpoint/previous.json        ... and after the epoch before
//	DIR/checkpoint/fig4.json            a fig4 study: its settings (experiment.Fig4Params)
//	DIR/runs/<name>/checkpoint/...      a fig4 study: each run's checkpoints
//
// Create makes (or, with force, reuses) a folder and takes its lock
// through report.PrepareOut, an exclusive flock held until
// report.UnlockOutputs (cmd/mrelu's dispatcher calls it when a command
// returns) or the end of the process. Open names a saved run's folder for
// a resume; it reads and never locks.
//
// A checkpoint is written atomically, the latest becoming previous.json
// by a rename, so a run killed at any moment leaves a readable one; a run
// stopped after its last epoch (while writing its report) can redo that
// epoch from previous.json. Checkpoints reads them (latest first), Pick
// chooses the one a resume to a number of epochs starts from, and
// MergeTrainParams and MergeFig4Params merge the saved settings with the
// flags the user gave (a set of flag names, so this package knows nothing
// of the command line's flag package).
//
// Layering: rundir sits just below cmd/mrelu. It imports experiment (the
// checkpoint and settings types), params (the one params.json codec),
// device (the parameter-file size limit), report (the folder lock and the
// atomic writers, which live there). No package imports rundir except
// cmd/mrelu: it does no training, no plotting and no printing.
package rundir
