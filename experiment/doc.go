// Package experiment holds one runner per figure or table of the paper.
// Each runner takes plain parameters, does the work through the lower
// packages and returns a typed result; it never prints or plots (package
// report renders results, cmd/mrelu wires flags to runners).
package experiment
