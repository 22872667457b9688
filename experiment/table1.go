package experiment

import (
	"fmt"
	"math"

	"github.com/mrelu/mrelu/internal/quantity"
	"github.com/mrelu/mrelu/neuron"
)

// Table1Row is one analog neuron of the paper's Table 1.
type Table1Row struct {
	Neuron    string `json:"neuron"`
	Mechanism string `json:"mechanism"`
	Structure string `json:"structure"`
	Model     string `json:"model"`
	// Energy is the energy column as printed ("-": not reported);
	// EnergyJ the same in J (nil: not reported).
	Energy  string   `json:"energy"`
	EnergyJ *float64 `json:"energy_J"`
	// EnergyCircuitJ is, for our row, the energy per activation of the
	// whole 2T-1M circuit transient (EnergyJ is the device-level value).
	EnergyCircuitJ *float64 `json:"energy_circuit_J,omitempty"`
	// EnergyCircuitMemristorJ and EnergyCircuitQuasiStaticJ are the
	// memristor's own energy per activation in the circuit (the paper's
	// definition), with and without the parasitic capacitances.
	EnergyCircuitMemristorJ   *float64 `json:"energy_circuit_memristor_J,omitempty"`
	EnergyCircuitQuasiStaticJ *float64 `json:"energy_circuit_quasistatic_J,omitempty"`
	// Ours marks the row computed by this run; Source says where a row
	// comes from.
	Ours   bool   `json:"ours"`
	Source string `json:"source"`
}

// FormatEnergy prints an energy in J with an SI prefix (fJ ... µJ), in
// picojoules down to 0.1 pJ as the paper writes "0.5 pJ"; "-" for NaN.
func FormatEnergy(e float64) string { return quantity.SI(e, "J", energyScale, "-") }

// FormatTime prints a time in s with an SI prefix (ns ... s); "-" for NaN.
func FormatTime(t float64) string { return quantity.SI(t, "s", timeScale, "-") }

var (
	energyScale = append(quantity.Scale("µ", "n", 1), quantity.Prefix{Symbol: "p", Factor: 1e-12, From: 0.1e-12}, quantity.Prefix{Symbol: "f", Factor: 1e-15})
	timeScale   = quantity.Scale("", "n", 1)
)

// Table1 returns the paper's Table 1 with our row appended, computed from
// this run: the circuit's structure (np), the shape of its solved transfer
// curve (m) and the energies per activation of the device-level pulse and
// of the circuit transient (e; NaN-valued scenarios print as "-").
func Table1(np neuron.Params, m neuron.TransferMetrics, e *EnergyResult) []Table1Row {
	rows := append([]Table1Row(nil), PaperTable1...)
	for k := range rows {
		rows[k].Source = "paper, Table 1"
	}
	structure := "2T-1M"
	if np.Clamp {
		structure = "2T-1M + input clamp TFT (3T-1M)"
	}
	model := "not a ReLU"
	reluOff := m.MaxVoutNonPositive < 0.05
	switch {
	case reluOff && m.R2 >= 0.99 && m.MaxVout <= m.VDD:
		model = fmt.Sprintf("ReLU bounded at %.2f V (%.0f %% VDD), off level %.3f V, linear R² %.4f", m.MaxVout, 100*m.MaxVout/m.VDD, m.MaxVoutNonPositive, m.R2)
	case reluOff && m.MaxVout > 0.5*m.VDD:
		model = fmt.Sprintf("ReLU-like, bounded at %.2f V, R² %.4f over 10-90 %% of the swing", m.MaxVout, m.R2)
	case !reluOff:
		model = fmt.Sprintf("not a ReLU: output %.3f V at inputs ≤ 0", m.MaxVoutNonPositive)
	}
	our := Table1Row{Neuron: "Cu/p(V3D3-co-VI)/Al2O3 (mReLU, this simulation)",
		Mechanism: "diffusive dynamics: Cu nanocluster pseudo-filament, volatile (compact model)",
		Structure: structure, Model: model, Energy: "-", Ours: true,
		Source: "this run: device/pulse/pulse.json (device level), neuron/pulse/pulse.json (circuit), neuron/transfer/transfer.json (model)"}
	if e != nil {
		var parts []string
		if s := e.Scenario("device"); s != nil && !math.IsNaN(s.NeuronEnergy) {
			our.EnergyJ = joule(s.NeuronEnergy)
			parts = append(parts, fmt.Sprintf("%s (device, %s pulse)", FormatEnergy(s.NeuronEnergy), FormatTime(s.NeuronLatency)))
		}
		if s := e.Scenario("circuit-quasistatic"); s != nil && !math.IsNaN(s.NeuronEnergy) {
			our.EnergyCircuitQuasiStaticJ = joule(s.NeuronEnergy)
			parts = append(parts, fmt.Sprintf("%s (memristor in the 2T-1M circuit without parasitics, %s)", FormatEnergy(s.NeuronEnergy), FormatTime(s.NeuronLatency)))
		}
		if s := e.Scenario("circuit-memristor"); s != nil && !math.IsNaN(s.NeuronEnergy) {
			our.EnergyCircuitMemristorJ = joule(s.NeuronEnergy)
			parts = append(parts, fmt.Sprintf("%s (memristor in the 2T-1M circuit with parasitics, %s)", FormatEnergy(s.NeuronEnergy), FormatTime(s.NeuronLatency)))
		}
		if s := e.Scenario("circuit"); s != nil {
			if math.IsNaN(s.NeuronEnergy) {
				parts = append(parts, fmt.Sprintf("circuit: none (%s)", e.CircuitStatus))
			} else {
				our.EnergyCircuitJ = joule(s.NeuronEnergy)
				parts = append(parts, fmt.Sprintf("%s (whole 2T-1M circuit, VDD + input, %s)", FormatEnergy(s.NeuronEnergy), FormatTime(s.NeuronLatency)))
			}
		}
		if len(parts) > 0 {
			our.Energy = parts[0]
			for _, p := range parts[1:] {
				our.Energy += "; " + p
			}
		}
	}
	return append(rows, our)
}
