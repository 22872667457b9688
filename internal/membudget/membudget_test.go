package membudget

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"512MB", 512e6, false},
		{"2GB", 2e9, false},
		{"2gb", 2e9, false},
		{"1.5GiB", 3 << 29, false},
		{"1.5 GiB", 3 << 29, false},
		{"4096", 4096, false},
		{"4096B", 4096, false},
		{"1e9", 1e9, false},
		{"2.5e3MB", 2.5e9, false},
		{"100kB", 1e5, false},
		{"100KiB", 102400, false},
		{"3G", 3e9, false},
		{"1TiB", 1 << 40, false},
		{"0", 0, false},
		{"none", 0, false},
		{"NONE", 0, false},
		{" 0GB ", 0, false},
		{"", 0, true},
		{"GB", 0, true},
		{"-1GB", 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
		{"1e30", 0, true},
		{"9.3EB", 0, true},
		{"2 bananas", 0, true},
		{"0.5B", 0, true},
		{"1,5GB", 0, true},
	} {
		got, err := Parse(c.in)
		switch {
		case c.bad && err == nil:
			t.Errorf("Parse(%q) = %d, want an error", c.in, got)
		case !c.bad && err != nil:
			t.Errorf("Parse(%q): %v", c.in, err)
		case !c.bad && got != c.want:
			t.Errorf("Parse(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{
		{0, "0 B"},
		{999, "999 B"},
		{1000, "1 kB"},
		{1500, "1.5 kB"},
		{316e6, "316 MB"},
		{17_179_869_184, "17.2 GB"},
		{3 << 30, "3.22 GB"},
		{999_600_000, "1 GB"},
		{math.MaxInt64, "more than 9.2 EB"},
	} {
		if got := Format(c.in); got != c.want {
			t.Errorf("Format(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSaturation(t *testing.T) {
	if got := SatMul(1<<40, 1<<40); got != math.MaxInt64 {
		t.Errorf("SatMul overflow = %d", got)
	}
	if got := SatMul(3, -1, 1<<62); got != 0 {
		t.Errorf("SatMul with a negative factor = %d", got)
	}
	if got := SatAdd(math.MaxInt64-1, 5); got != math.MaxInt64 {
		t.Errorf("SatAdd overflow = %d", got)
	}
	var e Estimate
	e.Add("a", "", math.MaxInt64)
	e.Add("b", "", math.MaxInt64)
	e.Add("c", "", -5)
	if e.Total() != math.MaxInt64 || e.Items[2].Bytes != 0 {
		t.Errorf("total %d, negative item %d", e.Total(), e.Items[2].Bytes)
	}
}

func TestMeminfo(t *testing.T) {
	for _, c := range []struct {
		name, in     string
		total, avail int64
		bad          bool
	}{
		{"linux", "MemTotal:       24683748 kB\nMemFree:        23633432 kB\nMemAvailable:   23796440 kB\n", 24683748 << 10, 23796440 << 10, false},
		{"no available", "MemTotal: 1000 kB\n", 1000 << 10, 0, false},
		{"empty", "", 0, 0, true},
		{"garbage", "MemTotal: lots kB\n", 0, 0, true},
		{"overflow", "MemTotal: 99999999999999999 kB\n", 0, 0, true},
	} {
		total, avail, err := parseMeminfo(strings.NewReader(c.in))
		switch {
		case c.bad != (err != nil):
			t.Errorf("%s: error %v", c.name, err)
		case !c.bad && (total != c.total || avail != c.avail):
			t.Errorf("%s: total %d avail %d, want %d %d", c.name, total, avail, c.total, c.avail)
		}
	}
	if _, _, err := ReadMeminfo("/nonexistent/meminfo"); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestDefaultLimit(t *testing.T) {
	l := defaultFrom(4e9, nil)
	if l.Bytes != 1.6e9 || !strings.Contains(l.From, "40 % of this machine's 4 GB") {
		t.Errorf("default of 4 GB: %+v", l)
	}
	l = defaultFrom(10e9, nil)
	if l.Bytes != DefaultCap || !strings.Contains(l.From, "the cap below 40 % of this machine's 10 GB") {
		t.Errorf("default of 10 GB: %+v", l)
	}
	l = defaultFrom(0, errors.New("no /proc"))
	if l.Bytes != FallbackLimit || !strings.Contains(l.From, "unknown") {
		t.Errorf("fallback: %+v", l)
	}
	if d := Default(); d.Bytes <= 0 || !strings.HasPrefix(d.From, Flag) {
		t.Errorf("Default() = %+v", d)
	}
}

func TestCheckAndMessage(t *testing.T) {
	var e Estimate
	e.Add("program", "", 48e6)
	e.Add("weights and gradients", "--hidden 65536,65536", 34.4e9)
	e.Add("checkpoint encoding", "--hidden 65536,65536", 137e9)
	e.Add("training set", "train-images (60000 images of 28x28)", 47e6)
	l := Limit{Bytes: 3.1e9, From: "--max-memory; default 40 % of this machine's 7.75 GB"}
	err := l.Check(e)
	if !errors.Is(err, ErrOverBudget) {
		t.Fatalf("Check = %v, want ErrOverBudget", err)
	}
	want := "--hidden 65536,65536 needs about 171 GB (checkpoint encoding 137 GB, weights and gradients 34.4 GB), above the memory budget of 3.1 GB (--max-memory; default 40 % of this machine's 7.75 GB)"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if err := (Limit{Bytes: 200e9}).Check(e); err != nil {
		t.Errorf("under the limit: %v", err)
	}
	if err := (Limit{}).Check(e); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

func TestValue(t *testing.T) {
	var v Value
	if v.Limit() != Default() || v.String() != "" {
		t.Errorf("unset value: %+v %q", v.Limit(), v.String())
	}
	if err := v.Set("2GB"); err != nil || v.Limit().Bytes != 2e9 || v.Limit().From != "--max-memory 2GB" {
		t.Errorf("2GB: %v %+v", err, v.Limit())
	}
	if err := v.Set("none"); err != nil || v.Limit().Bytes != 0 {
		t.Errorf("none: %v %+v", err, v.Limit())
	}
	if err := v.Set("lots"); err == nil {
		t.Error("no error for lots")
	}
}
