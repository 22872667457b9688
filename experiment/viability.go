package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/params"
)

// The viability criteria of a working ReLU neuron (issue 13; the targets of
// docs/neuron.md): the output at rest below ViableOffLevel, a knee (the
// output 50 mV above rest) at some positive input, 90 % of VDD reached
// within ViableReach, no drop above ViableDrop on the way up, and every
// operating point stable with the circuit's output capacitance.
const (
	ViableOffLevel = 0.05    // V
	ViableKneeRise = 0.05    // V above the rest level
	ViableReach    = 10e-6   // A
	ViableDrop     = 0.05    // V
	ViableMargin   = 0.02    // V: the design's VDD − Vth (docs/neuron.md §1a)
	viableIMin     = -1e-6   // A
	viablePoints   = 1101    // 10 nA steps from −1 to 10 µA
	viableStep     = 1.0e-08 // A, (ViableReach − viableIMin)/(viablePoints − 1)
)

// ErrNotViable is wrapped by Viability.Err for a neuron that is not a
// working ReLU.
var ErrNotViable = errors.New("not a working ReLU neuron")

// ViabilityCriterion is one pass/fail line of a viability check.
type ViabilityCriterion struct {
	// Key is "off_level", "knee", "reach", "monotone" or "stability".
	Key  string `json:"key"`
	Pass bool   `json:"pass"`
	// Text states the measured value against the requirement, in volts,
	// amperes and farads.
	Text string `json:"text"`
}

// Viability is the verdict of CheckViability: does this device make a
// working ReLU neuron at this supply, and if not, why and what would.
type Viability struct {
	Viable bool `json:"viable"`
	// VDD, Vth (V) and Margin = VDD − Vth (V; the design's is 0.02 V);
	// RD (Ω) the memristor's slope. For a tabulated memristor Vth is its
	// threshold (device.Memristor.Threshold) and RD its mean slope
	// (EffectiveRD).
	VDD    float64 `json:"vdd_V"`
	Vth    float64 `json:"v_th_V"`
	Margin float64 `json:"margin_V"`
	RD     float64 `json:"r_d_ohm"`
	// Memristor describes a tabulated memristor (its rows, threshold,
	// slope and the kinetic parameters left at their defaults; empty for
	// the compact model).
	Memristor string `json:"memristor,omitempty"`
	// OffLevel is the largest Vout for inputs ≤ 0 (V; NaN if the solve
	// failed); Knee the input at which Vout is 50 mV above rest (A; NaN:
	// never); I90 the input at which Vout reaches 90 % of VDD (A; NaN:
	// never within 10 µA); MaxVout the largest Vout within 10 µA (V).
	OffLevel float64 `json:"off_level_V"`
	Knee     float64 `json:"knee_A"`
	I90      float64 `json:"i_at_90pct_vdd_A"`
	MaxVout  float64 `json:"max_vout_V"`
	// Drop is the largest fall of Vout below its running maximum on the
	// way up, from the lowest input to the one of MaxVout (V), at DropAt (A).
	Drop   float64 `json:"largest_drop_V"`
	DropAt float64 `json:"largest_drop_at_A"`
	// CCrit is the smallest critical output capacitance along the curve
	// (F; +Inf: stable at any capacitance) at CCritAt (A); COut the
	// circuit's output-node capacitance (F).
	CCrit   float64 `json:"min_critical_capacitance_F"`
	CCritAt float64 `json:"min_critical_capacitance_at_A"`
	COut    float64 `json:"output_capacitance_F"`
	// Criteria lists each requirement with its measured value.
	Criteria []ViabilityCriterion `json:"criteria"`
	// Why explains the failures in physical terms; Try lists changes that
	// were checked (each a viability check of its own) and would make the
	// neuron work, or says that none of them would.
	Why []string `json:"why"`
	Try []string `json:"try"`
	// NotEnough lists the single changes that were checked and fail
	// (e.g. the supply alone, when r_d must change too).
	NotEnough []string `json:"not_enough,omitempty"`
	// SolveError is set when the DC solve failed; the curve is then
	// unknown and the neuron is not viable.
	SolveError string `json:"solve_error,omitempty"`
	// Curve is the solved transfer curve, −1..10 µA (nil if the solve
	// failed).
	Curve *neuron.TransferCurve `json:"-"`
}

// CheckViability solves the neuron of s from −1 to 10 µA of input
// (1101 points, a few milliseconds) and says whether it is a working
// ReLU: off level < 50 mV, a knee, 90 % of VDD within 10 µA, no drop of
// more than 50 mV on the way up, stable with its output capacitance. A
// neuron that fails gets the reasons in physical terms and the changes
// (supply, threshold, r_d) that were checked to fix it. The error is for
// invalid parameters only; a neuron the solver cannot follow is not
// viable.
func CheckViability(s params.Setup) (*Viability, error) {
	v, err := checkViability(s)
	if err != nil || v.Viable {
		return v, err
	}
	v.Why = v.why(s)
	v.Try = v.remedies(s)
	return v, nil
}

func checkViability(s params.Setup) (*Viability, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	n, err := neuron.Build(s.Device, s.Neuron)
	if err != nil {
		return nil, err
	}
	v := &Viability{VDD: s.Neuron.VDD, Vth: s.Device.Memristor.Threshold(), Margin: s.Margin(), RD: s.Device.Memristor.EffectiveRD(),
		OffLevel: math.NaN(), Knee: math.NaN(), I90: math.NaN(), MaxVout: math.NaN(), DropAt: math.NaN(),
		CCrit: math.Inf(1), CCritAt: math.NaN(), COut: n.OutputCapacitance()}
	if s.Device.Memristor.Tabulated() {
		v.Memristor = s.Device.Memristor.Describe()
	}
	c, err := neuron.Transfer(n, neuron.Linspace(viableIMin, ViableReach, viablePoints))
	if err != nil {
		v.SolveError = err.Error()
		v.Criteria = []ViabilityCriterion{{Key: "solve", Text: "the DC solve failed: " + err.Error()}}
		v.Why = []string{fmt.Sprintf("the circuit has no DC solution the solver can follow between %s and %s of input (%v)", si(viableIMin, "A"), si(ViableReach, "A"), err)}
		return v, nil
	}
	v.Curve = c
	m := c.Metrics()
	v.OffLevel, v.Knee, v.I90, v.MaxVout = m.MaxVoutNonPositive, m.ThresholdCurrent, m.I90, m.MaxVout
	run := c.Vout[0]
	for k := 1; k < len(c.I) && c.I[k] <= m.IAtMax; k++ {
		if d := run - c.Vout[k]; d > v.Drop {
			v.Drop, v.DropAt = d, c.I[k]
		}
		run = math.Max(run, c.Vout[k])
	}
	for k, cc := range c.CCrit {
		if cc < v.CCrit {
			v.CCrit, v.CCritAt = cc, c.I[k]
		}
	}
	off := v.OffLevel < ViableOffLevel
	knee := !math.IsNaN(v.Knee) && v.Knee < ViableReach
	reach := !math.IsNaN(v.I90) && v.I90 <= ViableReach
	mono := v.Drop <= ViableDrop
	stable := v.CCrit > v.COut
	v.Criteria = []ViabilityCriterion{
		{"off_level", off, fmt.Sprintf("off level (Vout for every input ≤ 0) %s, needs < %s", si(v.OffLevel, "V"), si(ViableOffLevel, "V"))},
		{"knee", knee, "knee (Vout 50 mV above rest) " + orNever(v.Knee, "at", "A", "never within "+si(ViableReach, "A"))},
		{"reach", reach, fmt.Sprintf("reach: 90 %% of VDD (%s) %s, needs ≤ %s (max Vout %s)", si(0.9*v.VDD, "V"),
			orNever(v.I90, "at", "A", "never"), si(ViableReach, "A"), si(v.MaxVout, "V"))},
		{"monotone", mono, fmt.Sprintf("monotone: largest drop on the way up %s%s, needs ≤ %s", si(v.Drop, "V"), orNever(v.DropAt, " at", "A", ""), si(ViableDrop, "V"))},
		{"stability", stable, fmt.Sprintf("stability: smallest critical capacitance %s%s vs output node %s", orInf(v.CCrit), orNever(v.CCritAt, " at", "A", ""), si(v.COut, "F"))},
	}
	v.Viable = off && knee && reach && mono && stable
	return v, nil
}

func orNever(x float64, pre, unit, never string) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return never
	}
	return pre + " " + si(x, unit)
}

func orInf(c float64) string {
	if math.IsInf(c, 1) {
		return "none (stable at any capacitance)"
	}
	return si(c, "F")
}

// si formats v with an SI prefix and unit ("0.16 V", "93 nA"); 0 as
// "0 V", NaN as "n/a".
func si(v float64, unit string) string {
	if v == 0 {
		return "0 " + unit
	}
	return quantity.SI(v, unit, viabilityScale, "n/a")
}

var viabilityScale = quantity.Scale("M", "f", 1)

func (v *Viability) failed(key string) bool {
	for _, c := range v.Criteria {
		if c.Key == key {
			return !c.Pass
		}
	}
	return false
}

// why explains the failed criteria in physical terms.
func (v *Viability) why(s params.Setup) []string {
	var out []string
	vdd, vth, mg := v.VDD, v.Vth, v.Margin
	switch {
	case v.failed("off_level") && mg > 0.5*vdd:
		out = append(out, fmt.Sprintf("threshold %s is far below VDD %s: the memristor is always on, so the output rests at %s (VDD − Vth ≈ %s) instead of near 0; a ReLU needs Vth ≈ VDD − %s",
			si(vth, "V"), si(vdd, "V"), si(v.OffLevel, "V"), si(mg, "V"), si(ViableMargin, "V")))
	case v.failed("off_level") && mg > 0:
		out = append(out, fmt.Sprintf("threshold %s is %s below VDD %s: the memristor is switched on at zero input and the output rests at %s; a ReLU needs the margin VDD − Vth ≈ %s",
			si(vth, "V"), si(mg, "V"), si(vdd, "V"), si(v.OffLevel, "V"), si(ViableMargin, "V")))
	case v.failed("off_level"):
		out = append(out, fmt.Sprintf("the output rests at %s at zero input (needs < %s)", si(v.OffLevel, "V"), si(ViableOffLevel, "V")))
	}
	if (v.failed("knee") || v.failed("reach")) && mg < 0 {
		out = append(out, fmt.Sprintf("threshold %s is above VDD %s: the memristor cannot reach its threshold from the supply and stays insulating, so the output cannot rise",
			si(vth, "V"), si(vdd, "V")))
	}
	stuck := v.failed("off_level") && mg > 0.5*vdd
	m := s.Device.Memristor
	rd := m.EffectiveRD()
	gain := s.Neuron.MirrorRatio * rd
	sat := vdd - m.Threshold()/(1+rd*m.GMax)
	short := gain < s.Neuron.MirrorRatio*needRD(s) || sat < 0.9*vdd // the device, not the margin, limits the reach
	if v.failed("reach") && !math.IsNaN(v.MaxVout) && !stuck && short {
		msg := fmt.Sprintf("the output reaches only %s (%.0f %% of VDD) within %s: it rises by about mirror ratio × r_d = %.3g × %s = %s per µA of input, and 90 %% of VDD within %s needs ≳ %s per µA",
			si(v.MaxVout, "V"), 100*v.MaxVout/vdd, si(ViableReach, "A"), s.Neuron.MirrorRatio, si(rd, "Ω"), si(gain*1e-6, "V"),
			si(ViableReach, "A"), si(needRD(s)*s.Neuron.MirrorRatio*1e-6, "V"))
		if sat < 0.9*vdd {
			msg += fmt.Sprintf("; it saturates near VDD − Vth/(1 + r_d·g_max) = %s, where the memristor's gap closes (R → 1/g_max = %s)", si(sat, "V"), si(1/m.GMax, "Ω"))
		}
		out = append(out, msg)
	} else if v.failed("knee") && !v.failed("off_level") {
		out = append(out, fmt.Sprintf("the output never rises 50 mV above its rest level within %s", si(ViableReach, "A")))
	}
	if v.failed("monotone") {
		out = append(out, fmt.Sprintf("the output falls by %s at %s on the way up (the memristor passes the peak of its S-curve or saturates early): a ReLU rises monotonically", si(v.Drop, "V"), si(v.DropAt, "A")))
	}
	if v.failed("stability") {
		out = append(out, fmt.Sprintf("the operating point at %s is unstable with the output node's %s (critical capacitance %s): the neuron oscillates instead of settling",
			si(v.CCritAt, "A"), si(v.COut, "F"), si(v.CCrit, "F")))
	}
	if len(out) == 0 && v.SolveError == "" {
		for _, c := range v.Criteria {
			if !c.Pass {
				out = append(out, c.Text)
			}
		}
	}
	return out
}

// needRD is the r_d (Ω) with which the output rises from the margin to
// 90 % of VDD over ViableReach (less 20 % for the knee and the mirror).
func needRD(s params.Setup) float64 {
	rise := 0.9*s.Neuron.VDD - ViableMargin
	return rise / (0.8 * ViableReach * s.Neuron.MirrorRatio)
}

// remedies tries the changes a user can make (the supply with --vdd, the
// memristor's threshold, its r_d, both) and lists those that pass the
// check; if none does, it says what was tried.
func (v *Viability) remedies(s params.Setup) []string {
	type cand struct {
		text string
		s    params.Setup
	}
	var cands []cand
	th := s.Device.Memristor.Threshold()
	vddFix := th + ViableMargin
	if math.Abs(vddFix-s.Neuron.VDD) > 5e-3 && vddFix <= 20 {
		c := s
		c.Neuron.VDD = vddFix
		cands = append(cands, cand{fmt.Sprintf("--vdd %.3g (Vth + %s)", vddFix, si(ViableMargin, "V")), c})
	}
	vthFix := s.Neuron.VDD - ViableMargin
	if math.Abs(vthFix-th) > 5e-3 && vthFix > 0 {
		c := s
		c.Device.Memristor = s.Device.Memristor.WithThreshold(vthFix)
		text := fmt.Sprintf("a device with Vth ≈ %.3g V (\"v_th_V\": %.3g)", vthFix, vthFix)
		if c.Device.Memristor.Tabulated() {
			text = fmt.Sprintf("a device whose measured voltages are %s higher, threshold ≈ %.3g V (\"table\": {\"shift_V\": %.3g})",
				si(vthFix-th, "V"), vthFix, c.Device.Memristor.Table.ShiftV)
		}
		cands = append(cands, cand{text, c})
	}
	var ok, tried []string
	try := func(c cand) bool {
		if c.s.Validate() != nil {
			return false
		}
		w, err := checkViability(c.s)
		if err != nil {
			return false
		}
		tried = append(tried, c.text)
		if w.Viable {
			ok = append(ok, c.text)
		}
		return w.Viable
	}
	var single []string
	for _, c := range cands {
		if !try(c) {
			single = append(single, c.text)
		}
	}
	// A larger r_d (the compact model's; a table's slope is measured).
	if len(ok) == 0 && (v.failed("reach") || v.failed("knee")) && !s.Device.Memristor.Tabulated() {
		// A larger r_d: the slope of the rise and the saturation level
		// VDD − Vth/(1 + r_d·g_max) both grow with it. The smallest of a
		// few multiples of the slope estimate that works.
		for _, base := range append([]cand{{"", s}}, cands...) {
			rd0 := math.Max(needRD(base.s), base.s.Device.Memristor.RD)
			for _, f := range []float64{1, 1.5, 2, 3, 4, 6, 8} {
				c := base.s
				rd := rd0 * f
				if rd <= c.Device.Memristor.RD*1.01 {
					continue
				}
				c.Device.Memristor.RD = rd
				text := fmt.Sprintf("a device with r_d ≈ %s (\"r_d_ohm\": %.2g; R(I) ≈ Vth/I − r_d)", si(rd, "Ω"), rd)
				if base.text != "" {
					text = base.text + " and " + strings.TrimPrefix(text, "a device with ")
				}
				n := len(tried)
				viable := try(cand{text, c})
				if !viable {
					tried = tried[:n] // only the multiples that work are worth listing
				}
				if viable {
					break
				}
			}
		}
	}
	if len(ok) > 0 {
		if len(ok) > len(cands)-len(single) {
			v.NotEnough = single
		}
		return ok
	}
	if len(tried) > 0 {
		return []string{"none of these was enough (each checked): " + strings.Join(tried, "; ") +
			"; the memristor's R(I) must fall as Vth/I − r_d does, with Vth ≈ VDD − 20 mV (docs/own-device.md)"}
	}
	return []string{"no change of VDD, Vth or r_d was found; see docs/own-device.md"}
}

// Verdict is one line: "viable: ..." or "not a working ReLU neuron at
// VDD = <VDD>: <why>; try <what>".
func (v *Viability) Verdict() string {
	if v.Viable {
		return fmt.Sprintf("viable: a working ReLU at VDD = %s (margin VDD − Vth = %s): off level %s, knee at %s, 90 %% of VDD at %s",
			si(v.VDD, "V"), si(v.Margin, "V"), si(v.OffLevel, "V"), si(v.Knee, "A"), si(v.I90, "A"))
	}
	msg := fmt.Sprintf("%v at VDD = %s (margin VDD − Vth = %s): %s", ErrNotViable, si(v.VDD, "V"), si(v.Margin, "V"), strings.Join(v.Why, "; "))
	if len(v.Try) > 0 {
		if strings.HasPrefix(v.Try[0], "none") || strings.HasPrefix(v.Try[0], "no ") {
			msg += "; " + v.Try[0]
		} else {
			msg += "; try " + strings.Join(v.Try, ", or ")
		}
		if len(v.NotEnough) > 0 {
			msg += " (checked, not enough alone: " + strings.Join(v.NotEnough, "; ") + ")"
		}
	}
	return msg
}

// Err is nil for a viable neuron, else an error wrapping ErrNotViable
// whose message is Verdict.
func (v *Viability) Err() error {
	if v.Viable {
		return nil
	}
	return &notViableError{v.Verdict()}
}

type notViableError struct{ msg string }

func (e *notViableError) Error() string { return e.msg }
func (e *notViableError) Unwrap() error { return ErrNotViable }

// RequireViable runs CheckViability and returns its Err: what the long
// commands call before any work.
func RequireViable(s params.Setup) error {
	v, err := CheckViability(s)
	if err != nil {
		return err
	}
	return v.Err()
}

// MarshalJSON writes v with null for the quantities that do not exist
// (NaN: never reached; +Inf: stable at any capacitance).
func (v *Viability) MarshalJSON() ([]byte, error) {
	type plain Viability
	num := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	return json.Marshal(struct {
		*plain
		OffLevel *float64 `json:"off_level_V"`
		Knee     *float64 `json:"knee_A"`
		I90      *float64 `json:"i_at_90pct_vdd_A"`
		MaxVout  *float64 `json:"max_vout_V"`
		DropAt   *float64 `json:"largest_drop_at_A"`
		CCrit    *float64 `json:"min_critical_capacitance_F"`
		CCritAt  *float64 `json:"min_critical_capacitance_at_A"`
	}{(*plain)(v), num(v.OffLevel), num(v.Knee), num(v.I90), num(v.MaxVout), num(v.DropAt), num(v.CCrit), num(v.CCritAt)})
}
