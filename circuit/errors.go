package circuit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mrelu/mrelu/internal/converge"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrNoConvergence is wrapped by every error of an analysis whose
	// Newton iteration (with all its fallbacks) or time stepping failed.
	// It is the project's one no-convergence sentinel (internal/converge):
	// device.ErrNoConvergence is the same value.
	ErrNoConvergence = converge.ErrNoConvergence
	// ErrSingular is wrapped when the circuit's equations have no unique
	// solution: a node without a DC path to ground, a loop of voltage
	// sources, or a numerically singular Jacobian.
	ErrSingular = errors.New("singular matrix")
	// ErrInvalid is wrapped by errors about the netlist or the arguments of
	// an analysis: a bad element value, a duplicate or unknown name.
	ErrInvalid = errors.New("invalid circuit")
	// ErrNoNgspice is returned by RunNgspice when no ngspice executable is
	// on PATH.
	ErrNoNgspice = errors.New("ngspice not found on PATH")
)

// ConvergenceError describes a failed solve. It wraps ErrNoConvergence and,
// where there is one, the underlying cause (ErrSingular, a non-finite model
// output).
type ConvergenceError struct {
	// Analysis is "op", "dc" or "tran".
	Analysis string
	// Where says at which point it failed: "I_in = 1e-06" for a sweep,
	// "t = 0.001 s" for a transient, empty for an operating point.
	Where string
	// Worst names the unknown with the largest normalised residual or
	// update at the last iteration, e.g. "V(out)", "I(vdd)", "x(m1)".
	Worst string
	// Detail lists what was tried.
	Detail string
	// Cause is the underlying error, if any.
	Cause error
}

func (e *ConvergenceError) Error() string {
	var b strings.Builder
	b.WriteString("circuit: ")
	b.WriteString(e.Analysis)
	if e.Where != "" {
		b.WriteString(" at ")
		b.WriteString(e.Where)
	}
	b.WriteString(": no convergence")
	if e.Worst != "" {
		b.WriteString(" (worst unknown ")
		b.WriteString(e.Worst)
		b.WriteString(")")
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns ErrNoConvergence and the cause.
func (e *ConvergenceError) Unwrap() []error {
	if e.Cause != nil {
		return []error{ErrNoConvergence, e.Cause}
	}
	return []error{ErrNoConvergence}
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("circuit: "+format+": %w", append(args, ErrInvalid)...)
}
