package circuit

import "math"

// luFactor factors the leading n×n block of the row-major matrix a (row
// stride st) in place into L·U with partial pivoting, recording the row
// permutation in perm. colmax must hold n entries of scratch. It returns the
// column index of the first pivot that is zero, non-finite or below
// pivRel times the largest magnitude of its column in the original matrix,
// or -1 when the factorisation succeeded.
func luFactor(a []float64, n, st int, perm []int, colmax []float64, pivRel float64) int {
	for j := 0; j < n; j++ {
		colmax[j] = 0
	}
	for i := 0; i < n; i++ {
		row := a[i*st : i*st+n]
		for j, v := range row {
			if av := math.Abs(v); av > colmax[j] {
				colmax[j] = av
			}
		}
	}
	for i := 0; i < n; i++ {
		perm[i] = i
	}
	for k := 0; k < n; k++ {
		// Pivot search in column k.
		p, pv := k, math.Abs(a[k*st+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*st+k]); v > pv {
				p, pv = i, v
			}
		}
		if !(pv > pivRel*colmax[k]) || pv == 0 || math.IsInf(pv, 0) {
			return k
		}
		if p != k {
			rk := a[k*st : k*st+n]
			rp := a[p*st : p*st+n]
			for j := range rk {
				rk[j], rp[j] = rp[j], rk[j]
			}
			perm[k], perm[p] = perm[p], perm[k]
		}
		piv := a[k*st+k]
		rk := a[k*st+k+1 : k*st+n]
		for i := k + 1; i < n; i++ {
			ri := a[i*st : i*st+n]
			l := ri[k] / piv
			ri[k] = l
			if l == 0 {
				continue
			}
			rr := ri[k+1 : n]
			for j, v := range rk {
				rr[j] -= l * v
			}
		}
	}
	return -1
}

// luSolve solves (P·A) x = b in place given the factors from luFactor: on
// entry x holds b (length ≥ n), on exit the solution. tmp is scratch of
// length ≥ n.
func luSolve(a []float64, n, st int, perm []int, x, tmp []float64) {
	for i := 0; i < n; i++ {
		tmp[i] = x[perm[i]]
	}
	// Forward substitution with unit-diagonal L.
	for i := 0; i < n; i++ {
		s := tmp[i]
		ri := a[i*st : i*st+i]
		for j, l := range ri {
			s -= l * tmp[j]
		}
		tmp[i] = s
	}
	// Back substitution with U.
	for i := n - 1; i >= 0; i-- {
		s := tmp[i]
		ri := a[i*st+i+1 : i*st+n]
		for j, u := range ri {
			s -= u * tmp[i+1+j]
		}
		tmp[i] = s / a[i*st+i]
	}
	copy(x[:n], tmp[:n])
}
