package circuit

import (
	"math"
	"reflect"
	"testing"
)

func TestWaveforms(t *testing.T) {
	p := Pulse{V1: 1, V2: 3, Delay: 1, Rise: 1, Fall: 2, Width: 1, Period: 10}
	w := PWL{{1, 0}, {2, 4}, {4, 0}}
	tests := []struct {
		name string
		w    Waveform
		t    float64
		want float64
	}{
		{"dc", DC(1.5), 7, 1.5},
		{"pulse before delay", p, 0.5, 1},
		{"pulse mid rise", p, 1.5, 2},
		{"pulse top", p, 2.5, 3},
		{"pulse mid fall", p, 4, 2},
		{"pulse after", p, 6, 1},
		{"pulse second period", p, 11.5, 2},
		{"single pulse stays low", Pulse{V1: 0, V2: 1, Rise: 1, Fall: 1, Width: 1}, 50, 0},
		{"ideal edge", Pulse{V1: 0, V2: 1, Delay: 1, Width: 1}, 1 + 2*ZeroEdge, 1},
		{"pwl before", w, 0, 0},
		{"pwl interp", w, 1.5, 2},
		{"pwl corner", w, 2, 4},
		{"pwl falling", w, 3, 2},
		{"pwl after", w, 9, 0},
	}
	for _, tc := range tests {
		if got := tc.w.At(tc.t); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: At(%g) = %g, want %g", tc.name, tc.t, got, tc.want)
		}
	}
	if got, want := p.Breakpoints(nil, 12), []float64{1, 2, 3, 5, 11, 12}; !reflect.DeepEqual(got, want) {
		t.Errorf("pulse breakpoints %v, want %v", got, want)
	}
	if got, want := w.Breakpoints(nil, 3), []float64{1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("PWL breakpoints %v, want %v", got, want)
	}
	for _, bad := range []Waveform{DC(math.Inf(1)), PWL{}, PWL{{1, 0}, {1, 1}}, PWL{{-1, 0}}, Pulse{Rise: -1}, Pulse{Width: 2, Period: 1}} {
		if bad.validate() == nil {
			t.Errorf("%#v: no validation error", bad)
		}
	}
}
