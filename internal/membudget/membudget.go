package membudget

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// DefaultFraction is the share of the machine's memory (MemTotal in
// /proc/meminfo) that a run may use when --max-memory is not given.
const DefaultFraction = 0.4

// DefaultCap caps the default limit at 2 GB: no run uses more without
// being asked to (--max-memory), on any machine (issue 12). A normal paper
// run needs ≈ 0.3 GB.
const DefaultCap int64 = 2e9

// FallbackLimit is the default limit when the machine's memory is unknown
// (no readable /proc/meminfo): DefaultCap.
const FallbackLimit int64 = DefaultCap

// ErrOverBudget is wrapped by the error of a run whose estimate exceeds
// its limit.
var ErrOverBudget = errors.New("over the memory budget")

// Item is one part of an estimate: what it is, what causes it (the flag or
// file a user would change, e.g. "--hidden 4096,4096") and its size.
type Item struct {
	What  string
	Cause string
	Bytes int64
}

// Estimate is the memory a run will hold at its peak, as a list of parts.
type Estimate struct {
	Items []Item
}

// Add appends a part of bytes (negative values count as 0).
func (e *Estimate) Add(what, cause string, bytes int64) {
	e.Items = append(e.Items, Item{What: what, Cause: cause, Bytes: max(bytes, 0)})
}

// Total is the sum of the parts, saturating at math.MaxInt64.
func (e Estimate) Total() int64 {
	var t int64
	for _, it := range e.Items {
		t = SatAdd(t, it.Bytes)
	}
	return t
}

// largest returns the index of the largest part (-1 when empty).
func (e Estimate) largest() int {
	k := -1
	for i, it := range e.Items {
		if k < 0 || it.Bytes > e.Items[k].Bytes {
			k = i
		}
	}
	return k
}

// SatAdd returns a+b for non-negative a and b, saturating at math.MaxInt64.
func SatAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// SatMul returns the product of non-negative factors, saturating at
// math.MaxInt64 (a negative factor counts as 0).
func SatMul(f ...int64) int64 {
	p := int64(1)
	for _, x := range f {
		if x <= 0 {
			return 0
		}
		if p > math.MaxInt64/x {
			p = math.MaxInt64
			continue
		}
		p *= x
	}
	return p
}

// Limit is the budget a run is checked against.
type Limit struct {
	Bytes int64  // 0: no limit
	From  string // where it comes from, for messages
}

// Flag is the name of the command-line flag that sets the limit.
const Flag = "--max-memory"

// Default returns the default limit: DefaultFraction of MemTotal in
// /proc/meminfo, at most DefaultCap, or FallbackLimit when that is unknown.
func Default() Limit {
	total, _, err := ReadMeminfo("/proc/meminfo")
	return defaultFrom(total, err)
}

func defaultFrom(total int64, err error) Limit {
	if err != nil || total <= 0 {
		return Limit{Bytes: FallbackLimit, From: fmt.Sprintf("%s; default %s as this machine's memory is unknown", Flag, Format(FallbackLimit))}
	}
	b := int64(DefaultFraction * float64(total))
	if b > DefaultCap {
		return Limit{Bytes: DefaultCap, From: fmt.Sprintf("%s; default %s, the cap below %g %% of this machine's %s", Flag, Format(DefaultCap), 100*DefaultFraction, Format(total))}
	}
	return Limit{Bytes: b, From: fmt.Sprintf("%s; default %g %% of this machine's %s", Flag, 100*DefaultFraction, Format(total))}
}

// ReadMeminfo returns MemTotal and MemAvailable (bytes; 0 when absent)
// from a file in the format of Linux's /proc/meminfo.
func ReadMeminfo(path string) (total, avail int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	return parseMeminfo(f)
}

func parseMeminfo(r io.Reader) (total, avail int64, err error) {
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "MemTotal" && key != "MemAvailable") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || v < 0 || v > math.MaxInt64/1024 {
			return 0, 0, fmt.Errorf("membudget: meminfo: bad %s value %q", key, rest)
		}
		if len(f) > 1 && strings.EqualFold(f[1], "kB") {
			v *= 1024 // /proc/meminfo's "kB" are KiB
		}
		if key == "MemTotal" {
			total = v
		} else {
			avail = v
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("membudget: meminfo: %w", err)
	}
	if total == 0 {
		return 0, 0, errors.New("membudget: meminfo: no MemTotal")
	}
	return total, avail, nil
}

// units maps the accepted suffixes (lower case) to their multipliers.
var units = map[string]float64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// Parse reads a size such as "512MB", "2GB", "1.5GiB", "2e9" or "4096"
// (bytes). Suffixes are case-insensitive: kB, MB, GB, TB are powers of
// 1000, KiB, MiB, GiB, TiB powers of 1024. "0" and "none" mean no limit
// (0).
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "none") {
		return 0, nil
	}
	i := len(t)
	for i > 0 && (t[i-1] >= 'a' && t[i-1] <= 'z' || t[i-1] >= 'A' && t[i-1] <= 'Z') {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToLower(t[i:])
	m, ok := units[unit]
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a size (want e.g. 512MB, 2GB, 1.5GiB, or none)", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("%q is not a size (want e.g. 512MB, 2GB, 1.5GiB, or none)", s)
	}
	b := v * m
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if b > 0 && b < 1 {
		return 0, fmt.Errorf("%q is less than one byte (0 or none: no limit)", s)
	}
	return int64(math.Round(b)), nil
}

// Format prints bytes in SI units with three significant digits:
// "512 B", "1.5 kB", "17.2 GB", "316 MB".
func Format(b int64) string {
	if b == math.MaxInt64 {
		return "more than 9.2 EB"
	}
	v := float64(b)
	for _, u := range []string{"B", "kB", "MB", "GB", "TB", "PB"} {
		if v < 999.5 || u == "PB" {
			if u == "B" {
				return fmt.Sprintf("%d B", b)
			}
			return strconv.FormatFloat(v, 'g', 3, 64) + " " + u
		}
		v /= 1000
	}
	return ""
}

// Error is the refusal of a run over its budget.
type Error struct {
	Estimate Estimate
	Limit    Limit
}

// Error names the cause of the largest part, the total, the largest parts
// and the limit with where it comes from, e.g. "--hidden 65536,65536 needs
// about 172 GB (checkpoint encoding 137 GB, weights and gradients 34.4 GB,
// ...), above the memory budget of 9.87 GB (--max-memory; default 40 % of
// this machine's 24.7 GB)".
func (e *Error) Error() string {
	est := e.Estimate
	cause := "this run"
	if k := est.largest(); k >= 0 && est.Items[k].Cause != "" {
		cause = est.Items[k].Cause
	}
	items := append([]Item(nil), est.Items...)
	// largest first (insertion sort: a handful of items)
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].Bytes > items[j-1].Bytes; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	var parts []string
	for i, it := range items {
		if i == 4 || it.Bytes*50 < est.Total() {
			break
		}
		parts = append(parts, it.What+" "+Format(it.Bytes))
	}
	return fmt.Sprintf("%s needs about %s (%s), above the memory budget of %s (%s)",
		cause, Format(est.Total()), strings.Join(parts, ", "), Format(e.Limit.Bytes), e.Limit.From)
}

// Unwrap returns ErrOverBudget.
func (e *Error) Unwrap() error { return ErrOverBudget }

// Check returns an *Error (wrapping ErrOverBudget) when the estimate
// exceeds the limit; a limit of 0 bytes never refuses.
func (l Limit) Check(e Estimate) error {
	if l.Bytes <= 0 || e.Total() <= l.Bytes {
		return nil
	}
	return &Error{Estimate: e, Limit: l}
}

// Value is a flag.Value for --max-memory: unset, it is the Default limit.
type Value struct {
	set   bool
	bytes int64
	text  string
}

// String returns the value as given (empty: the default).
func (v *Value) String() string {
	if v == nil {
		return ""
	}
	return v.text
}

// Set parses a size (Parse).
func (v *Value) Set(s string) error {
	b, err := Parse(s)
	if err != nil {
		return err
	}
	v.set, v.bytes, v.text = true, b, s
	return nil
}

// Limit returns the limit the flag gives: its value, or Default() when
// it was not set.
func (v *Value) Limit() Limit {
	if v == nil || !v.set {
		return Default()
	}
	if v.bytes == 0 {
		return Limit{From: Flag + " " + v.text}
	}
	return Limit{Bytes: v.bytes, From: Flag + " " + v.text}
}
