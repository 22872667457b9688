package experiment

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/mrelu/mrelu/crossbar"
	"github.com/mrelu/mrelu/device"
	"github.com/mrelu/mrelu/neuron"
	"github.com/mrelu/mrelu/nn"
	"github.com/mrelu/mrelu/vision"
)

// validators lists every parameter type of the project with a Validate
// method, each made by a function returning a fresh, valid default (a
// pointer, so that pointer-receiver Validate methods are found).
var validators = []struct {
	name string
	make func() any
}{
	{"device.Params", func() any { p := device.DefaultParams(); return &p }},
	{"device.Memristor", func() any { p := device.DefaultMemristor(); return &p }},
	{"device.TFT", func() any { p := device.DefaultTFT(); return &p }},
	{"device.CycleVariation", func() any { p := device.DefaultCycleVariation(); return &p }},
	{"device.DeviceVariation", func() any { p := device.DefaultDeviceVariation(); return &p }},
	{"neuron.Params", func() any { p := neuron.DefaultParams(); return &p }},
	{"neuron.Devices", func() any { p := neuron.NominalDevices(device.DefaultParams(), neuron.DefaultParams()); return &p }},
	{"neuron.PulseConfig", func() any { p := neuron.DefaultPulseConfig(); return &p }},
	{"crossbar.Params", func() any { p := crossbar.DefaultParams(); return &p }},
	{"vision.Config", func() any { p := vision.DefaultConfig(); return &p }},
	{"vision.Config (fixed gain)", func() any {
		p := vision.DefaultConfig()
		p.Scale, p.Gain = vision.ScaleFixed, 2
		return &p
	}},
	{"vision.Kernel", func() any { k, _ := vision.Builtin("vertical"); return &k }},
	{"nn.Config", func() any { return &nn.Config{Epochs: 1, Batch: 1, LR: 0.1} }},
	{"experiment.TrainParams", func() any { p := DefaultTrainParams(); return &p }},
	{"experiment.Fig4Params", func() any { p := DefaultFig4Params(); return &p }},
	{"experiment.EdgesConfig", func() any { p := DefaultEdgesConfig(); return &p }},
	{"experiment.DeviceIVConfig", func() any { p := DefaultDeviceIVConfig(); return &p }},
	{"experiment.DeviceSweepConfig", func() any { p := DefaultDeviceSweepConfig(); return &p }},
	{"experiment.DevicePulseConfig", func() any { p := DefaultDevicePulseConfig(); return &p }},
	{"experiment.DeviceTFTConfig", func() any { p := DefaultDeviceTFTConfig(); return &p }},
	{"experiment.NeuronTransferConfig", func() any { p := DefaultNeuronTransferConfig(); return &p }},
	{"experiment.NeuronPulseConfig", func() any { p := DefaultNeuronPulseConfig(); return &p }},
	{"experiment.NeuronSpiceConfig", func() any { p := DefaultNeuronSpiceConfig(); return &p }},
	{"experiment.NeuronMonteCarloConfig", func() any { p := DefaultNeuronMonteCarloConfig(); return &p }},
}

// floatLeaves returns the paths (field or element indices) of every
// settable float32/float64 in v, with a readable name for each.
func floatLeaves(v reflect.Value, path []int, name string, out *[]leaf) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		*out = append(*out, leaf{append([]int(nil), path...), name})
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			floatLeaves(v.Field(i), append(path, i), name+"."+t.Field(i).Name, out)
		}
	case reflect.Array, reflect.Slice:
		for i := range v.Len() {
			floatLeaves(v.Index(i), append(path, i), fmt.Sprintf("%s[%d]", name, i), out)
		}
	}
}

type leaf struct {
	path []int
	name string
}

func at(v reflect.Value, path []int) reflect.Value {
	for _, i := range path {
		switch v.Kind() {
		case reflect.Struct:
			v = v.Field(i)
		default:
			v = v.Index(i)
		}
	}
	return v
}

func validate(p any) error {
	m := reflect.ValueOf(p).MethodByName("Validate")
	r := m.Call(nil)[0]
	if r.IsNil() {
		return nil
	}
	return r.Interface().(error)
}

// TestValidateRejectsNonFinite sets every floating-point parameter of
// every validated type, one at a time, to NaN, +Inf and -Inf, and wants
// Validate to refuse each.
func TestValidateRejectsNonFinite(t *testing.T) {
	cases := 0
	defer func() { t.Logf("%d types, %d non-finite values refused", len(validators), cases) }()
	for _, tc := range validators {
		if err := validate(tc.make()); err != nil {
			t.Errorf("%s: the default is invalid: %v", tc.name, err)
			continue
		}
		var leaves []leaf
		floatLeaves(reflect.ValueOf(tc.make()).Elem(), nil, strings.SplitN(tc.name, " ", 2)[0], &leaves)
		if len(leaves) == 0 {
			t.Errorf("%s: no float fields found", tc.name)
		}
		for _, l := range leaves {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				p := tc.make()
				at(reflect.ValueOf(p).Elem(), l.path).SetFloat(bad)
				cases++
				if err := validate(p); err == nil {
					t.Errorf("%s = %v accepted by Validate", l.name, bad)
				}
			}
		}
	}
}
