package experiment

import "testing"

// TestPaperRefText pins the paper's values as the prose quotes them: the
// wording built from the constants must read as the paper prints them.
func TestPaperRefText(t *testing.T) {
	for got, want := range map[*string]string{
		&PaperLatencyText: "650 ns", &PaperEnergyText: "0.5 pJ", &PaperVDDText: "VDD = 2 V", &PaperTFTText: "0.038 V",
		&PaperMottText: "~400x", &PaperCMOSText: "6820x", &PaperPulseText: "650 ns, 0.5 pJ", &PaperVarText: "9.9 %",
		&PaperMReLUText: "95.4 %", &PaperReLUText: "97 %", &PaperSigmoidText: "91.2 %", &PaperMottEText: "199.5 pJ",
		&PaperCMOSEText: "3410 pJ",
	} {
		if *got != want {
			t.Errorf("got %q, want %q", *got, want)
		}
	}
	if r := CMOSSigmoidEnergy / PaperEnergy; r != PaperCMOSRatio {
		t.Errorf("CMOS ratio %g, paper %g", r, PaperCMOSRatio)
	}
}
