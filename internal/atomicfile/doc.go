// Package atomicfile writes a file so that a reader (or a run killed
// half-way) never sees it half-written: the data go to a temporary file in
// the same folder, which is synced, made readable (0644) and renamed over
// the target.
//
// # Layering
//
// atomicfile owns the write-then-rename of one file. Like every internal
// package it imports nothing of the project and must not, so that any
// package may use it.
package atomicfile
