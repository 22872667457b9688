package circuit

// Solution is one solved point: an operating point, one point of a sweep or
// one time point of a transient.
type Solution struct {
	lay *layout
	row []float64 // unknowns then element currents
	// Time is the time of a transient point in s (0 otherwise).
	Time float64
}

// Voltage returns the voltage of a node in V (0 for ground).
func (s *Solution) Voltage(node string) (float64, error) {
	k, err := s.lay.node(node)
	if err != nil || k < 0 {
		return 0, err
	}
	return s.row[k], nil
}

// Current returns the current of an element in A, with the element's own
// sign convention: for a resistor, capacitor or stateful element from its
// first terminal through it to its second; for a FET into the drain; for a
// voltage source its branch current from P through the source to N (SPICE
// convention, negative for a supply delivering power); for a current source
// its value.
func (s *Solution) Current(element string) (float64, error) {
	k, err := s.lay.elem(element)
	if err != nil {
		return 0, err
	}
	return s.row[s.lay.n+k], nil
}

// State returns the state variable of a stateful element.
func (s *Solution) State(element string) (float64, error) {
	k, err := s.lay.state(element)
	if err != nil {
		return 0, err
	}
	return s.row[k], nil
}

// Unknowns returns the solution vector in system order, with the name of
// each unknown ("V(node)", "I(source)", "x(element)").
func (s *Solution) Unknowns() (values []float64, names []string) {
	return append([]float64(nil), s.row[:s.lay.n]...), append([]string(nil), s.lay.names...)
}

func (l *layout) node(name string) (int, error) {
	if IsGround(name) {
		return -1, nil
	}
	k, ok := l.nodeIdx[name]
	if !ok {
		return 0, invalidf("no node %q", name)
	}
	return k, nil
}

func (l *layout) elem(name string) (int, error) {
	k, ok := l.elemIdx[name]
	if !ok {
		return 0, invalidf("no element %q", name)
	}
	return k, nil
}

func (l *layout) state(name string) (int, error) {
	k, ok := l.stIdx[name]
	if !ok {
		return 0, invalidf("no stateful element %q", name)
	}
	return k, nil
}

// table is a sequence of recorded rows.
type table struct {
	lay  *layout
	data []float64 // rows of lay.width()
}

func (t *table) rows() int { return len(t.data) / t.lay.width() }

func (t *table) column(col int) []float64 {
	w := t.lay.width()
	n := t.rows()
	out := make([]float64, n)
	for k := 0; k < n; k++ {
		out[k] = t.data[k*w+col]
	}
	return out
}

// Voltage returns a node's voltage at every point, in V.
func (t *table) Voltage(node string) ([]float64, error) {
	k, err := t.lay.node(node)
	if err != nil {
		return nil, err
	}
	if k < 0 {
		return make([]float64, t.rows()), nil
	}
	return t.column(k), nil
}

// Current returns an element's current at every point, in A, with the sign
// conventions of Solution.Current.
func (t *table) Current(element string) ([]float64, error) {
	k, err := t.lay.elem(element)
	if err != nil {
		return nil, err
	}
	return t.column(t.lay.n + k), nil
}

// State returns a stateful element's state at every point.
func (t *table) State(element string) ([]float64, error) {
	k, err := t.lay.state(element)
	if err != nil {
		return nil, err
	}
	return t.column(k), nil
}

func (t *table) point(k int, time float64) *Solution {
	w := t.lay.width()
	return &Solution{lay: t.lay, row: t.data[k*w : (k+1)*w : (k+1)*w], Time: time}
}

// SweepResult holds a DC sweep: one solution per swept value.
type SweepResult struct {
	table
	// Source is the swept source and Values its values (V or A).
	Source string
	Values []float64
	// Substeps counts the extra intermediate solves that continuation
	// needed between requested points.
	Substeps int
	// NewtonIterations counts the iterations of every solve of the sweep.
	NewtonIterations int
}

// Len returns the number of points.
func (r *SweepResult) Len() int { return len(r.Values) }

// Point returns the solution at index k.
func (r *SweepResult) Point(k int) *Solution { return r.point(k, 0) }

// Voltage returns a node's voltage at every swept value, in V.
func (r *SweepResult) Voltage(node string) ([]float64, error) { return r.table.Voltage(node) }

// Current returns an element's current at every swept value (see
// Solution.Current).
func (r *SweepResult) Current(element string) ([]float64, error) { return r.table.Current(element) }

// State returns a stateful element's state at every swept value.
func (r *SweepResult) State(element string) ([]float64, error) { return r.table.State(element) }

// TranResult holds a transient: the accepted time points and the solution
// at each.
type TranResult struct {
	table
	// Time holds the accepted time points in s, from 0 to tstop, including
	// every waveform breakpoint.
	Time []float64
	// Stats counts the work done.
	Stats TranStats
}

// TranStats counts a transient's steps.
type TranStats struct {
	Accepted, RejectedLTE, RejectedNewton, NewtonIterations int
}

// Len returns the number of time points.
func (r *TranResult) Len() int { return len(r.Time) }

// Point returns the solution at time index k.
func (r *TranResult) Point(k int) *Solution { return r.point(k, r.Time[k]) }

// Voltage returns a node's voltage at every time point, in V.
func (r *TranResult) Voltage(node string) ([]float64, error) { return r.table.Voltage(node) }

// Current returns an element's current at every time point (see
// Solution.Current; a capacitor's is the integrator's C·dv/dt).
func (r *TranResult) Current(element string) ([]float64, error) { return r.table.Current(element) }

// State returns a stateful element's state at every time point.
func (r *TranResult) State(element string) ([]float64, error) { return r.table.State(element) }

// Energy returns the energy in J that an independent source delivered to
// the rest of the circuit over the run, integrated by the trapezoidal rule
// over the time points. For a voltage source it is −∫ (V(P)−V(N))·I dt with
// the SPICE sign of the branch current, for a current source
// ∫ (V(N)−V(P))·I dt; either way a supply feeding a load gives a positive
// number.
func (r *TranResult) Energy(source string) (float64, error) {
	t, ok := r.lay.srcTerm[source]
	if !ok {
		return 0, invalidf("no independent source %q", source)
	}
	pv, nv := t[0], t[1]
	col := r.lay.n + r.lay.elemIdx[source]
	w := r.lay.width()
	var e, prev float64
	for j := range r.Time {
		row := r.data[j*w : (j+1)*w]
		v := 0.0 // V(N) − V(P)
		if pv >= 0 {
			v -= row[pv]
		}
		if nv >= 0 {
			v += row[nv]
		}
		// Both conventions reduce to (V(N)−V(P))·I: a voltage source's
		// branch current enters P, a current source's current leaves into N.
		p := v * row[col]
		if j > 0 {
			e += 0.5 * (p + prev) * (r.Time[j] - r.Time[j-1])
		}
		prev = p
	}
	return e, nil
}
