// Package quantity parses physical quantities written on the command line:
// a number, optionally followed by an SI prefix and the quantity's unit,
// so that every flag with a unit reads the same way in every command:
//
//	--amplitude 2.3     --amplitude 2.3V    --amplitude 2300mV   (a voltage flag)
//	--amplitude 1e-6    --amplitude 1uA     --amplitude 1µA      (a current flag)
//	--width 10us        --series-r 1MOhm    --g-max 50uS         (s, Ω, S)
//
// A bare number is in the flag's own unit (SI, without prefix). A unit that
// is not the flag's is an error naming the flag and the unit it wants
// (--amplitude 1uA on a voltage flag), so a current can never be read as a
// voltage. The prefixes are f p n u µ m k M G (SI: m is milli, M mega).
// Non-finite values (NaN, Inf) are refused.
//
// SI (si.go) is the project's one engineering formatter ("650 ns",
// "19.5 MΩ"); each caller picks its prefix scale.
//
// # Layering
//
// quantity owns parsing and printing of quantities. Like every internal
// package it imports nothing of the project and must not, so that any
// package may use it.
package quantity
