package strictjson

import (
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	type doc struct {
		A int `json:"a"`
	}
	for _, tc := range []struct {
		in       string
		want     int
		trailing bool
		fail     bool
	}{
		{in: `{"a": 1}`, want: 1},
		{in: " {\"a\": 2}\n\t ", want: 2},
		{in: `{"a": 1} {"a": 2}`, trailing: true},
		{in: `{"a": 1} x`, trailing: true},
		{in: `{"a": 1}]`, trailing: true},
		{in: `{"b": 1}`, fail: true},
		{in: `{"a": "x"}`, fail: true},
		{in: `{"a": 1`, fail: true},
		{in: ``, fail: true},
	} {
		var d doc
		err := Decode([]byte(tc.in), &d)
		switch {
		case tc.trailing && !errors.Is(err, ErrTrailing):
			t.Errorf("%q: %v, want ErrTrailing", tc.in, err)
		case tc.fail && (err == nil || errors.Is(err, ErrTrailing)):
			t.Errorf("%q: %v, want a decoding error", tc.in, err)
		case !tc.trailing && !tc.fail && (err != nil || d.A != tc.want):
			t.Errorf("%q: %+v, %v; want a = %d", tc.in, d, err, tc.want)
		}
	}
}
