package converge

import "errors"

// ErrNoConvergence is wrapped by every error of a numerical method that
// gave up: a Newton iteration with all its fallbacks, a time step or a
// state-integration step that fell below its smallest size. Callers test
// it with errors.Is.
var ErrNoConvergence = errors.New("no convergence")
