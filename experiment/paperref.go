package experiment

// The paper's reference values: every number the paper reports that the
// code compares with, in one place, each with the figure, table or text
// it comes from. Prose that quotes them (report.html, titles, notes) is
// built from these with the Paper*Text helpers below, so a value and its
// wording cannot drift apart.

import (
	"fmt"

	"github.com/mrelu/mrelu/device"
)

// The paper's single-pulse figures (Fig. 3f), for comparison.
const (
	PaperLatency = 650e-9  // s, pulse to saturated output (Fig. 3f)
	PaperEnergy  = 0.5e-12 // J per activation (Fig. 3f, Table 1)
	// PaperTFTVthSigma is the threshold spread of 20 a-IGZO TFTs (Fig. S5), V.
	PaperTFTVthSigma = 0.038
	// PaperTFTCount is the number of TFTs measured in Fig. S5.
	PaperTFTCount = 20
	// PaperVDD is the supply of the 2T-1M neuron, which bounds its output
	// (Fig. 3b, Fig. 5), V.
	PaperVDD = 2.0
)

// PaperVariation is the mReLU's temporal (cycle-to-cycle) variation the
// paper trains Fig. 4 with (9.9 %; device.TemporalVariation).
const PaperVariation = device.TemporalVariation

// The paper's MNIST test accuracies (Fig. 4c).
const (
	PaperAccuracySigmoid = 0.912 // software sigmoid, Fig. 4c
	PaperAccuracyReLU    = 0.97  // software ReLU, Fig. 4c
	PaperAccuracyMReLU   = 0.954 // hardware mReLU with 9.9 % variation, Fig. 4c
)

// Fig4Paper holds the paper's reported test accuracies (Fig. 4c), for the
// side-by-side table.
var Fig4Paper = map[string]float64{"sigmoid": PaperAccuracySigmoid, "relu": PaperAccuracyReLU, ActMReLU: PaperAccuracyMReLU}

// Per-activation energies of other analog neurons that the paper compares
// the mReLU with (J).
const (
	// CMOSSigmoidEnergy is the analog CMOS sigmoid neuron (> 3 op-amps) of
	// the paper's Table 1.
	CMOSSigmoidEnergy = 3410e-12
	// MottVO2Energy is the Mott VO2 ReLU neuron the paper's text compares
	// with (~400x the mReLU's 0.5 pJ).
	MottVO2Energy = 199.5e-12
)

// The ratios the paper states for those comparisons, as printed.
const (
	// PaperMottVO2Ratio is the paper text's "~400x" (Mott VO2 ReLU over
	// the mReLU; 199.5 pJ / 0.5 pJ, rounded).
	PaperMottVO2Ratio = 400.0
	// PaperCMOSRatio is the paper's "6820x" (analog CMOS sigmoid of
	// Table 1 over the mReLU; 3410 pJ / 0.5 pJ).
	PaperCMOSRatio = 6820.0
)

func joule(v float64) *float64 { return &v }

// PaperTable1 is the paper's Table 1 as printed.
var PaperTable1 = []Table1Row{
	{Neuron: "Pt/SiOxNy:Ag/Pt", Mechanism: "diffusive", Structure: "1M1C", Model: "LIF", Energy: "-"},
	{Neuron: "GeSb2Te5", Mechanism: "phase change", Structure: "1M", Model: "IF", Energy: "5 pJ", EnergyJ: joule(5e-12)},
	{Neuron: "TiN/NbOx/TiN", Mechanism: "insulator-metal transition", Structure: "1M", Model: "LIF", Energy: "0.5 pJ", EnergyJ: joule(0.5e-12)},
	{Neuron: "Si NpN junction", Mechanism: "baristor", Structure: "1T", Model: "LIF", Energy: "6 pJ", EnergyJ: joule(6e-12)},
	{Neuron: "MTJ", Mechanism: "magnetic tunnel junction", Structure: "1T", Model: "LIF", Energy: "7.1 fJ", EnergyJ: joule(7.1e-15)},
	{Neuron: "Hf0.5Zr0.5O2", Mechanism: "ferroelectric", Structure: "1F-1T1R", Model: "LIF", Energy: "-"},
	{Neuron: "analog CMOS", Mechanism: "> 3 op-amps", Structure: "-", Model: "sigmoid", Energy: PaperPJText(CMOSSigmoidEnergy), EnergyJ: joule(CMOSSigmoidEnergy)},
	{Neuron: "TiN/NbOx/a-Si", Mechanism: "insulator-metal transition", Structure: "1T-1M", Model: "frequency ReLU", Energy: "-"},
	{Neuron: "Cu/p(V3D3-co-VI)/Al2O3 (mReLU, the paper)", Mechanism: "diffusive dynamics", Structure: "2T-1M", Model: "ReLU", Energy: PaperEnergyText, EnergyJ: joule(PaperEnergy)},
}

// The reference values as the paper writes them.
var (
	PaperLatencyText = fmt.Sprintf("%.4g ns", PaperLatency*1e9)  // "650 ns"
	PaperEnergyText  = PaperPJText(PaperEnergy)                  // "0.5 pJ"
	PaperVDDText     = fmt.Sprintf("VDD = %g V", PaperVDD)       // "VDD = 2 V"
	PaperTFTText     = fmt.Sprintf("%g V", PaperTFTVthSigma)     // "0.038 V"
	PaperMottText    = fmt.Sprintf("~%gx", PaperMottVO2Ratio)    // "~400x"
	PaperCMOSText    = fmt.Sprintf("%gx", PaperCMOSRatio)        // "6820x"
	PaperPulseText   = PaperLatencyText + ", " + PaperEnergyText // "650 ns, 0.5 pJ"
	PaperVarText     = PaperPercentText(PaperVariation)          // "9.9 %"
	PaperMReLUText   = PaperPercentText(PaperAccuracyMReLU)      // "95.4 %"
	PaperReLUText    = PaperPercentText(PaperAccuracyReLU)       // "97 %"
	PaperSigmoidText = PaperPercentText(PaperAccuracySigmoid)    // "91.2 %"
	PaperMottEText   = PaperPJText(MottVO2Energy)                // "199.5 pJ"
	PaperCMOSEText   = PaperPJText(CMOSSigmoidEnergy)            // "3410 pJ"
)

// PaperPJText prints an energy in pJ as the paper does ("0.5 pJ",
// "199.5 pJ", "3410 pJ").
func PaperPJText(e float64) string { return fmt.Sprintf("%.4g pJ", e*1e12) }

// PaperPercentText prints a fraction as the paper's percentages ("97 %",
// "95.4 %", "9.9 %").
func PaperPercentText(v float64) string { return fmt.Sprintf("%.3g %%", 100*v) }
