// Package asmgen is the shared library of the programs that write the
// project's Go assembly ("go generate": internal/kernel/gen_asm.go and
// neuron/gen_asm.go).
//
// A [Func] is an assembly function's Go declaration, parsed from its
// signature, with the ABI0 layout of its argument frame: the offset of
// every parameter and result from FP and the frame size, computed as
// go vet's asmdecl check computes them, so that no generated offset can be
// wrong. A [File] is one generated .s file: [NewFile] writes the standard
// header (the "Code generated ... DO NOT EDIT." line, the build
// constraint, the textflag.h include), [File.Func] a function's comment,
// TEXT line and argument loads from a short description ("y=DI n=CX
// hi=Z31": each argument by name and the register it goes to, the load
// instruction chosen by the argument's type and the register's kind), and
// the generator writes the body. [WriteFile] writes a file only when its
// content changed, so that running "go generate" again touches nothing.
//
// # Layering
//
// asmgen owns the header, the argument frames and the prologues of
// generated assembly. Only the generator programs (//go:build ignore)
// import it, never a package that is built into the module's binaries.
// Like every internal package it imports nothing of the project and must
// not, so that any generator may use it.
package asmgen
