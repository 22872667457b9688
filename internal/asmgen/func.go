package asmgen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"regexp"
	"strings"
)

// Arg is one parameter or result of an assembly function's Go declaration,
// placed in the ABI0 argument frame.
type Arg struct {
	// Name is the name the assembly refers to it by: its Go name, or for an
	// unnamed one arg, arg1, ... (parameters) and ret, ret1, ... (results),
	// as go vet's asmdecl check names them.
	Name string
	// Type is its Go type, as go/types writes it ("*float32", "int").
	Type string
	// Offset is its distance from FP in bytes, Size its size.
	Offset, Size int
	// Float is set for float32 and float64.
	Float bool
	// Result is set for the results.
	Result bool
}

// Func is an assembly function's Go declaration with its ABI0 argument
// frame.
type Func struct {
	// Name is the function's name.
	Name string
	// Signature is the declaration as given, without "func".
	Signature string
	// Args are the parameters, then the results.
	Args []Arg
	// ArgSize is the size of the argument frame: the N of TEXT's "$0-N".
	ArgSize int
}

// amd64 is the size and alignment of the Go types on amd64, the only
// architecture the project writes assembly for.
var amd64 = types.SizesFor("gc", "amd64")

// Parse parses an assembly function's Go declaration without "func", such
// as "addAVX512(y, x *float32, n int)" or "countBelowAVX512(z *float32, n
// int, thr float32) int", and lays out its argument frame: each parameter
// at the next multiple of its alignment, the results from the next
// multiple of 8 (the pointer size). The types are the predeclared
// numeric types, bool, uintptr, pointers and unsafe.Pointer: the
// arguments one register holds.
func Parse(signature string) (*Func, error) {
	src := "package p\n\nimport \"unsafe\"\n\nvar _ unsafe.Pointer\n\nfunc " + signature + "\n"
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return nil, fmt.Errorf("asmgen: %q: %v", signature, err)
	}
	decl, ok := file.Decls[len(file.Decls)-1].(*ast.FuncDecl)
	if !ok || decl.Recv != nil || decl.Type.TypeParams != nil || len(file.Decls) != 3 {
		return nil, fmt.Errorf("asmgen: %q is not one function's signature", signature)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Sizes: amd64, Importer: unsafeOnly{}}
	if _, err := conf.Check("p", fset, []*ast.File{file}, info); err != nil {
		return nil, fmt.Errorf("asmgen: %q: %v", signature, err)
	}
	sig := info.Defs[decl.Name].(*types.Func).Type().(*types.Signature)
	fn := &Func{Name: decl.Name.Name, Signature: signature}
	offset := 0
	for _, part := range []struct {
		vars    *types.Tuple
		unnamed string
	}{{sig.Params(), "arg"}, {sig.Results(), "ret"}} {
		if part.unnamed == "ret" && part.vars.Len() > 0 {
			offset = align(offset, int(amd64.Sizeof(types.Typ[types.UnsafePointer])))
		}
		for i := range part.vars.Len() {
			v := part.vars.At(i)
			a, err := place(v, &offset)
			if err != nil {
				return nil, fmt.Errorf("asmgen: %s: %v", fn.Name, err)
			}
			a.Result = part.unnamed == "ret"
			if a.Name == "" {
				a.Name = part.unnamed
				if i > 0 {
					a.Name += fmt.Sprint(i)
				}
			}
			fn.Args = append(fn.Args, a)
		}
	}
	fn.ArgSize = offset
	return fn, nil
}

// unsafeOnly imports package unsafe, the only package a signature can use.
type unsafeOnly struct{}

func (unsafeOnly) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	return nil, fmt.Errorf("package %s cannot be imported", path)
}

// place lays out the variable v at the next multiple of its alignment
// from *offset and moves *offset past it.
func place(v *types.Var, offset *int) (Arg, error) {
	t := v.Type()
	scalar := false
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		scalar = true
	case *types.Basic:
		scalar = u.Info()&(types.IsString|types.IsComplex|types.IsUntyped) == 0
	}
	if !scalar {
		return Arg{}, fmt.Errorf("argument %s: type %s does not fit one register", v.Name(), t)
	}
	*offset = align(*offset, int(amd64.Alignof(t)))
	a := Arg{Name: v.Name(), Type: t.String(), Offset: *offset, Size: int(amd64.Sizeof(t))}
	if b, ok := t.Underlying().(*types.Basic); ok {
		a.Float = b.Info()&types.IsFloat != 0
	}
	*offset += a.Size
	return a, nil
}

// align rounds n up to a multiple of a (a power of two).
func align(n, a int) int { return (n + a - 1) &^ (a - 1) }

// MustParse is Parse for the generators' literal signatures: it panics on
// an error.
func MustParse(signature string) *Func {
	fn, err := Parse(signature)
	if err != nil {
		panic(err)
	}
	return fn
}

// Lookup returns the argument (parameter or result) called name.
func (fn *Func) Lookup(name string) (Arg, bool) {
	for _, a := range fn.Args {
		if a.Name == name {
			return a, true
		}
	}
	return Arg{}, false
}

// FP returns the assembly operand of the argument called name, such as
// "hi+32(FP)"; it panics if there is none.
func (fn *Func) FP(name string) string {
	a := fn.arg(name)
	return fmt.Sprintf("%s+%d(FP)", a.Name, a.Offset)
}

func (fn *Func) arg(name string) Arg {
	a, ok := fn.Lookup(name)
	if !ok {
		panic(fmt.Sprintf("asmgen: %s has no argument %q", fn.Name, name))
	}
	return a
}

// The register names Load and Store accept: general, vector and mask
// registers of amd64.
var (
	generalReg = regexp.MustCompile(`^(AX|BX|CX|DX|SI|DI|BP|R8|R9|R1[0-5])$`)
	vectorReg  = regexp.MustCompile(`^[XYZ]([0-9]|[12][0-9]|3[01])$`)
	maskReg    = regexp.MustCompile(`^K[0-7]$`)
)

// Load returns the instructions that load arguments into registers, in
// the order of spec: space-separated name=REG items. The instruction
// follows from the argument's size and the register's kind:
//
//	general register   MOVQ, MOVL, MOVWLZX or MOVBLZX by the size
//	X, Y or Z register VBROADCASTSS or VBROADCASTSD (float32, float64),
//	                   else VPBROADCASTD or VPBROADCASTQ (4 or 8 bytes)
//	mask register      name=Kn/GPR: through the general register GPR, then
//	                   KMOVW (16 lanes), or KMOVQ for 8 bytes
//
// It panics on an unknown argument or register, or an argument that does
// not fit the register.
func (fn *Func) Load(spec string) []string {
	var out []string
	for _, item := range strings.Fields(spec) {
		name, reg, ok := strings.Cut(item, "=")
		if !ok {
			panic(fmt.Sprintf("asmgen: %s: load %q is not name=REG", fn.Name, item))
		}
		a := fn.arg(name)
		src := fn.FP(name)
		switch {
		case generalReg.MatchString(reg):
			out = append(out, fmt.Sprintf("%s %s, %s", generalLoad(fn, a), src, reg))
		case vectorReg.MatchString(reg):
			out = append(out, fmt.Sprintf("%s %s, %s", broadcast(fn, a), src, reg))
		case strings.Contains(reg, "/"):
			mask, via, _ := strings.Cut(reg, "/")
			if !maskReg.MatchString(mask) || !generalReg.MatchString(via) {
				panic(fmt.Sprintf("asmgen: %s: load %q: %q is not Kn/GPR", fn.Name, item, reg))
			}
			kmov := "KMOVW"
			if a.Size == 8 {
				kmov = "KMOVQ"
			}
			out = append(out, fmt.Sprintf("%s %s, %s", generalLoad(fn, a), src, via), fmt.Sprintf("%s %s, %s", kmov, via, mask))
		default:
			panic(fmt.Sprintf("asmgen: %s: load %q: unknown register %q (a mask register needs Kn/GPR)", fn.Name, item, reg))
		}
	}
	return out
}

// generalLoad is the instruction loading a into a general register,
// zero-extending arguments of fewer than 4 bytes.
func generalLoad(fn *Func, a Arg) string {
	switch a.Size {
	case 8:
		return "MOVQ"
	case 4:
		return "MOVL"
	case 2:
		return "MOVWLZX"
	case 1:
		return "MOVBLZX"
	}
	panic(fmt.Sprintf("asmgen: %s: argument %s has size %d", fn.Name, a.Name, a.Size))
}

// broadcast is the instruction copying a into every lane of a vector
// register.
func broadcast(fn *Func, a Arg) string {
	switch {
	case a.Float && a.Size == 4:
		return "VBROADCASTSS"
	case a.Float:
		return "VBROADCASTSD"
	case a.Size == 4:
		return "VPBROADCASTD"
	case a.Size == 8:
		return "VPBROADCASTQ"
	}
	panic(fmt.Sprintf("asmgen: %s: argument %s (%d bytes) cannot be broadcast", fn.Name, a.Name, a.Size))
}

// Store returns the instructions that store registers into results (or
// arguments), in the order of spec: space-separated name=REG items, REG a
// general register (MOVQ, MOVL, MOVW or MOVB by the size) or, for a
// float32 or float64, an X register (MOVSS or MOVSD). It panics on an
// unknown argument or register.
func (fn *Func) Store(spec string) []string {
	var out []string
	for _, item := range strings.Fields(spec) {
		name, reg, _ := strings.Cut(item, "=")
		a := fn.arg(name)
		var op string
		switch {
		case generalReg.MatchString(reg):
			op = map[int]string{8: "MOVQ", 4: "MOVL", 2: "MOVW", 1: "MOVB"}[a.Size]
		case a.Float && strings.HasPrefix(reg, "X") && vectorReg.MatchString(reg):
			op = map[int]string{4: "MOVSS", 8: "MOVSD"}[a.Size]
		}
		if op == "" {
			panic(fmt.Sprintf("asmgen: %s: store %q: cannot store %q into %s", fn.Name, item, reg, a.Type))
		}
		out = append(out, fmt.Sprintf("%s %s, %s", op, reg, fn.FP(name)))
	}
	return out
}
