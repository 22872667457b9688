// Package npy writes arrays in numpy's .npy format (version 1.0), which
// numpy.load and PyTorch (through numpy) read: the magic "\x93NUMPY", the
// format version, a little-endian uint16 header length and an ASCII
// Python dict literal {'descr': ..., 'fortran_order': False, 'shape': ...}
// padded with spaces and a newline so that the data start on a 64-byte
// boundary, then the data in C (row-major) order.
//
// # Layering
//
// npy owns the .npy encoding. Like every internal package it imports
// nothing of the project and must not, so that any package may use it.
package npy
