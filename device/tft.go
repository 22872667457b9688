package device

import (
	"fmt"
	"math"

	"github.com/mrelu/mrelu/internal/paramcheck"
)

// Physical constants (SI).
const (
	eps0      = 8.8541878128e-12 // vacuum permittivity, F/m
	kBoltz    = 1.380649e-23     // J/K
	qElectron = 1.602176634e-19  // C
	// clmSmooth is the voltage (V) that rounds |Vds| at Vds = 0 in the
	// channel-length-modulation factor so that gds stays continuous.
	clmSmooth = 0.01
)

// TFT holds the parameters of the n-type amorphous InGaZnO thin-film
// transistor model. All quantities are SI. The drain current is a
// source/drain-symmetric, EKV-like interpolation that is C∞ across
// subthreshold, triode and saturation:
//
//	A       = 2·n·kT/q,   n = SS/(ln10·kT/q)
//	F(u)    = (A·ln(1+exp(u/A)))²
//	Ids     = β/2·[F(Vgs−Vth) − F(Vgs−Vds−Vth)]·(1+LambdaCLM·|Vds|ε) + GLeak·Vds
//	β       = Mobility·Cox·W/L,   Cox = eps0·EpsR/Tox
//
// Above threshold F(u) → u², the square law; below it F(u) → A²·exp(u/(n·kT/q)),
// the exponential subthreshold current with slope SS.
type TFT struct {
	// Vth is the threshold voltage in V. Default 1.0 V (choice: typical
	// enhancement-mode a-IGZO; the paper gives only its spread, 0.038 V).
	Vth float64 `json:"v_th_V"`
	// Mobility is the field-effect mobility in m²/(V·s). Default 1e-3
	// (10 cm²/(V·s); choice, typical of sputtered a-IGZO).
	Mobility float64 `json:"mobility_m2_per_Vs"`
	// EpsR is the relative permittivity of the ALD Al2O3 gate dielectric.
	// Default 9 (choice, typical ALD Al2O3).
	EpsR float64 `json:"eps_r"`
	// Tox is the gate dielectric thickness in m. Default 30e-9 m (paper:
	// 30 nm ALD Al2O3).
	Tox float64 `json:"t_ox_m"`
	// W is the channel width in m. Default 100e-6 m (paper, W/L = 100/10).
	W float64 `json:"w_m"`
	// L is the channel length in m. Default 10e-6 m (paper).
	L float64 `json:"l_m"`
	// SS is the subthreshold swing in V/decade. Default 0.2 V/dec (choice,
	// typical a-IGZO on Al2O3).
	SS float64 `json:"ss_V_per_dec"`
	// Temperature in K. Default 300 K (measurements at room temperature).
	Temperature float64 `json:"temperature_K"`
	// LambdaCLM is the channel-length-modulation coefficient in 1/V (finite
	// output conductance in saturation). Default 0.01 1/V (choice, long
	// 10 µm channel).
	LambdaCLM float64 `json:"lambda_clm_per_V"`
	// GLeak is the drain–source leakage conductance in S, the floor of the
	// off current. Default 1e-14 S (choice: 10 fA/V, the very low off
	// current of wide-gap a-IGZO).
	GLeak float64 `json:"g_leak_S"`
}

// DefaultTFT returns the a-IGZO output/mirror transistor of the paper's
// neuron (W/L = 100 µm/10 µm, 30 nm Al2O3).
func DefaultTFT() TFT {
	return TFT{
		Vth:         1.0,
		Mobility:    1e-3,
		EpsR:        9,
		Tox:         30e-9,
		W:           100e-6,
		L:           10e-6,
		SS:          0.2,
		Temperature: 300,
		LambdaCLM:   0.01,
		GLeak:       1e-14,
	}
}

// tftParams words the errors of TFT.Validate.
var tftParams = paramcheck.Checker{Prefix: "device: TFT", Sentinel: ErrInvalidParam}

// Validate reports the first invalid parameter, naming the field, its JSON
// key and unit.
func (t *TFT) Validate() error {
	if math.IsNaN(t.Vth) || math.IsInf(t.Vth, 0) || math.Abs(t.Vth) > 20 {
		return tftParams.Invalid("Vth", "v_th_V", "V", t.Vth, "must be finite with |Vth| ≤ 20 V")
	}
	if err := tftParams.All(paramcheck.Positive, paramcheck.Fields{
		{"Mobility", "mobility_m2_per_Vs", "m²/(V·s)", t.Mobility},
		{"EpsR", "eps_r", "(relative)", t.EpsR},
		{"Tox", "t_ox_m", "m", t.Tox},
		{"W", "w_m", "m", t.W},
		{"L", "l_m", "m", t.L},
		{"SS", "ss_V_per_dec", "V/dec", t.SS},
		{"Temperature", "temperature_K", "K", t.Temperature},
	}); err != nil {
		return err
	}
	if vt := t.thermalVoltage(); t.SS < math.Ln10*vt {
		return tftParams.Invalid("SS", "ss_V_per_dec", "V/dec", t.SS, fmt.Sprintf("below the thermal limit ln10·kT/q = %.4g V/dec", math.Ln10*vt))
	}
	return tftParams.All(finiteNonNegative, paramcheck.Fields{
		{"LambdaCLM", "lambda_clm_per_V", "1/V", t.LambdaCLM},
		{"GLeak", "g_leak_S", "S", t.GLeak},
	})
}

// finiteNonNegative is the rule of the TFT's leakage terms, which may be
// 0: paramcheck.NonNegative, worded as one condition.
func finiteNonNegative(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return "must be finite and ≥ 0"
	}
	return ""
}

func (t *TFT) thermalVoltage() float64 { return kBoltz * t.Temperature / qElectron }

// Cox returns the gate capacitance per area in F/m².
func (t *TFT) Cox() float64 { return eps0 * t.EpsR / t.Tox }

// Beta returns the gain factor Mobility·Cox·W/L in A/V².
func (t *TFT) Beta() float64 { return t.Mobility * t.Cox() * t.W / t.L }

// IdealityFactor returns n = SS/(ln10·kT/q).
func (t *TFT) IdealityFactor() float64 { return t.SS / (math.Ln10 * t.thermalVoltage()) }

// softplus returns ln(1+exp(z)) without overflow.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

// charge returns F(u) = (A·ln(1+exp(u/A)))² and F'(u).
func charge(u, a float64) (f, df float64) {
	l := a * softplus(u/a)
	return l * l, 2 * l * logistic(u/a)
}

// Ids returns the drain current (A, positive into the drain) for the
// gate–source voltage vgs and drain–source voltage vds (V), with the
// transconductance gm = ∂Ids/∂Vgs and output conductance gds = ∂Ids/∂Vds
// (S). The model is symmetric: Ids(vgs, −vds) = −Ids(vgs−vds, vds) (source
// and drain swap), and every output is continuous with continuous
// derivatives in both voltages.
func (t *TFT) Ids(vgs, vds float64) (id, gm, gds float64) {
	a := 2 * t.IdealityFactor() * t.thermalVoltage()
	fs, dfs := charge(vgs-t.Vth, a)
	fd, dfd := charge(vgs-vds-t.Vth, a)
	hb := 0.5 * t.Beta()
	r := math.Hypot(vds, clmSmooth)
	c := 1 + t.LambdaCLM*(r-clmSmooth)
	dc := t.LambdaCLM * vds / r
	core := hb * (fs - fd)
	id = core*c + t.GLeak*vds
	gm = hb * (dfs - dfd) * c
	gds = hb*dfd*c + core*dc + t.GLeak
	return id, gm, gds
}
