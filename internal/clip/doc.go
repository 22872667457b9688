// Package clip bounds how much of a user's input an error message quotes
// (issue 12: a 50 MB one-line CSV gave a 52 MB error message).
//
// # Layering
//
// clip owns the quoting limit of error messages. Like every internal
// package it imports nothing of the project and must not, so that any
// package may use it.
package clip
