package report

import (
	"bytes"
	"encoding"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/internal/atomicfile"
	"github.com/mrelu/mrelu/internal/quantity"
)

// ErrOutNotEmpty is returned by PrepareOut for a non-empty folder when
// overwriting was not asked for.
var ErrOutNotEmpty = errors.New("output folder is not empty")

// PrepareOut makes dir (and parents) if needed. An existing non-empty dir is
// refused unless force is true, so nothing a user wrote is overwritten
// without being asked. It then takes an exclusive lock on the folder
// (LockFile, an flock held until UnlockOutputs or the end of the process),
// so two runs never write into the same folder at once: the second is
// refused with ErrOutInUse, naming the holder's PID.
func PrepareOut(dir string, force bool) error {
	if dir == "" {
		return errors.New("report: no output folder given (use --out DIR)")
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("report: create output folder %s: %w", dir, err)
		}
		return lockOut(dir)
	case err != nil:
		return fmt.Errorf("report: output folder %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("report: output path %s exists and is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("report: read output folder %s: %w", dir, err)
	}
	// A lock file alone (left by a killed run, or of a run starting now)
	// does not make the folder non-empty.
	entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return e.Name() == LockFile })
	if len(entries) > 0 && !force {
		return fmt.Errorf("report: %s: %w (%d entries); choose another --out or pass --force", dir, ErrOutNotEmpty, len(entries))
	}
	return lockOut(dir)
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so a killed run never leaves a half-written file
// (internal/atomicfile).
func WriteFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v as indented JSON, atomically. It never fails on a
// NaN or ±Inf (JSON has no such numbers): summaries declare the values
// that may be missing as Num, written as null, and any other
// non-finite float is written as null too, with its path and value listed
// under the key "non_finite_values" when v encodes as an object.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	var uv *json.UnsupportedValueError
	if errors.As(err, &uv) {
		b, err = marshalNonFinite(v)
	}
	if err != nil {
		return fmt.Errorf("report: encode %s: %w", path, err)
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// Stand-ins for non-finite floats in marshalNonFinite: values no
// computation produces by chance, replaced by null in the encoded text.
var (
	nonFinite64 = math.Float64frombits(0x8001_2345_6789_abcd) // a negative subnormal
	nonFinite32 = math.Float32frombits(0x8001_2345)
)

// marshalNonFinite encodes v as MarshalIndent does, with every non-finite
// float of a plain float field, slice element, map value or interface
// written as null. Types with their own MarshalJSON or MarshalText are left
// to it. The paths of the replaced values are listed under
// "non_finite_values" (an object of path → "NaN", "+Inf" or "-Inf") if v
// encodes as an object.
func marshalNonFinite(v any) ([]byte, error) {
	var paths [][2]string
	c := replaceNonFinite(reflect.ValueOf(v), "", &paths, 0)
	var b []byte
	var err error
	if c.IsValid() {
		b, err = json.MarshalIndent(c.Interface(), "", "  ")
	} else {
		b, err = json.MarshalIndent(nil, "", "  ")
	}
	if err != nil {
		return nil, err
	}
	s64, _ := json.Marshal(nonFinite64)
	s32, _ := json.Marshal(nonFinite32)
	if n := bytes.Count(b, s64) + bytes.Count(b, s32); n != len(paths) {
		return nil, fmt.Errorf("report: %d non-finite values but %d stand-ins in the encoding", len(paths), n)
	}
	b = bytes.ReplaceAll(bytes.ReplaceAll(b, s64, []byte("null")), s32, []byte("null"))
	if len(paths) > 0 && len(b) > 2 && b[0] == '{' && b[len(b)-1] == '}' {
		slices.SortStableFunc(paths, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
		var list bytes.Buffer
		list.WriteString("{")
		for k, p := range paths {
			if k > 0 {
				list.WriteString(",")
			}
			key, _ := json.Marshal(p[0])
			list.Write(key)
			list.WriteString(":")
			val, _ := json.Marshal(p[1])
			list.Write(val)
		}
		list.WriteString("}")
		var ind bytes.Buffer
		if err := json.Indent(&ind, list.Bytes(), "  ", "  "); err != nil {
			return nil, err
		}
		sep := ",\n"
		if bytes.Equal(bytes.TrimSpace(b[1:len(b)-1]), nil) {
			sep = "\n"
		}
		b = append(bytes.TrimRight(b[:len(b)-1], "\n"), []byte(sep+`  "non_finite_values": `)...)
		b = append(b, ind.Bytes()...)
		b = append(b, "\n}"...)
	}
	return b, nil
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// replaceNonFinite returns a copy of v (sharing nothing that it changes)
// in which non-finite floats are the stand-ins, appending their paths.
func replaceNonFinite(v reflect.Value, path string, paths *[][2]string, depth int) reflect.Value {
	if !v.IsValid() || depth > 64 {
		return v
	}
	t := v.Type()
	if t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		reflect.PointerTo(t).Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return v
	}
	name := func(p string) string {
		if path == "" {
			return p
		}
		return path + "." + p
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			return v
		}
		*paths = append(*paths, [2]string{path, strconv.FormatFloat(f, 'g', -1, 64)})
		c := reflect.New(t).Elem()
		if t.Kind() == reflect.Float32 {
			c.SetFloat(float64(nonFinite32))
		} else {
			c.SetFloat(nonFinite64)
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(t.Elem())
		c.Elem().Set(replaceNonFinite(v.Elem(), path, paths, depth+1))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(t).Elem()
		c.Set(replaceNonFinite(v.Elem(), path, paths, depth+1))
		return c
	case reflect.Struct:
		c := reflect.New(t).Elem()
		c.Set(v)
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			key := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				key = tag
			}
			p := name(key)
			if f.Anonymous {
				p = path
			}
			c.Field(i).Set(replaceNonFinite(v.Field(i), p, paths, depth+1))
		}
		return c
	case reflect.Slice:
		if v.IsNil() || t.Elem().Kind() == reflect.Uint8 {
			return v
		}
		c := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(replaceNonFinite(v.Index(i), name(strconv.Itoa(i)), paths, depth+1))
		}
		return c
	case reflect.Array:
		c := reflect.New(t).Elem()
		for i := range v.Len() {
			c.Index(i).Set(replaceNonFinite(v.Index(i), name(strconv.Itoa(i)), paths, depth+1))
		}
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(t, v.Len())
		it := v.MapRange()
		for it.Next() {
			c.SetMapIndex(it.Key(), replaceNonFinite(it.Value(), name(fmt.Sprint(it.Key().Interface())), paths, depth+1))
		}
		return c
	}
	return v
}

// Num is a float64 that encodes NaN and ±Inf as null (JSON has no such
// numbers), so a summary with a missing value still writes. Every summary
// field that may be missing is a Num.
type Num float64

// MarshalJSON implements json.Marshaler.
func (v Num) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads a Num back: null is NaN (the reading half of
// MarshalJSON, for a summary read again, as `mrelu paper --cnn` does).
func (v *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*v = Num(f)
	return nil
}

// nums converts v to Num (NaN and ±Inf written as null).
func nums(v []float64) []Num { return mapped(v, func(x float64) Num { return Num(x) }) }

// mapped is f of every element of v, in order.
func mapped[T, U any](v []T, f func(T) U) []U {
	out := make([]U, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

// csvFile is one CSV file of a writer: its name in the output folder,
// its header and its rows.
type csvFile struct {
	name   string
	header []string
	rows   [][]string
}

// writeData writes the data files of a run into dir: every CSV of csvs,
// then summary as JSON under the name summaryFile ("": none).
func writeData(dir, summaryFile string, summary any, csvs ...csvFile) error {
	for _, c := range csvs {
		if err := WriteCSV(filepath.Join(dir, c.name), c.header, c.rows); err != nil {
			return err
		}
	}
	if summaryFile == "" {
		return nil
	}
	return WriteJSON(filepath.Join(dir, summaryFile), summary)
}

// WriteCSV writes a header and rows, atomically.
func WriteCSV(path string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return err
	}
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("report: encode %s: %w", path, err)
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// F formats a float for CSV with enough digits to round-trip float64.
func F(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// si formats v with three significant digits, an SI prefix (G … f) and
// unit ("19.5 MΩ", "650 ns"); NaN and ±Inf as "–". The report's one
// engineering formatter (quantity.SI with the widest scale); FormatValue
// picks it or the Table 1 scales of experiment.FormatEnergy/FormatTime.
func si(v float64, unit string) string { return quantity.SI(v, unit, siScale, "–") }

var siScale = quantity.Scale("G", "f", 0.9995)

// Table builds CSV rows from equal-length numeric columns.
func Table(cols ...[]float64) [][]string {
	if len(cols) == 0 {
		return nil
	}
	n := len(cols[0])
	rows := make([][]string, n)
	for i := 0; i < n; i++ {
		row := make([]string, len(cols))
		for j, c := range cols {
			if i < len(c) {
				row[j] = F(c[i])
			}
		}
		rows[i] = row
	}
	return rows
}
