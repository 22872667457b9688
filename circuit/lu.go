package circuit

import "math"

// luFactor factors the leading n×n block of the row-major matrix a (row
// stride st) in place into L·U with partial pivoting, recording the row
// permutation in perm (length ≥ n). colmax is scratch of length ≥ n. It
// returns the column of the first pivot that is zero, non-finite or below
// pivRel times the largest magnitude in its column of the original matrix,
// or -1 when the factorisation succeeded.
func luFactor(a []float64, n, st int, perm []int, colmax []float64, pivRel float64) int {
	if n == 0 {
		return -1
	}
	a = a[:(n-1)*st+n]
	colmax = colmax[:n]
	perm = perm[:n]
	for j := range colmax {
		colmax[j] = 0
	}
	for i := 0; i < n; i++ {
		row := a[i*st : i*st+n]
		for j, v := range row {
			if v < 0 {
				v = -v
			}
			if v > colmax[j] {
				colmax[j] = v
			}
		}
		perm[i] = i
	}
	for k := 0; k < n; k++ {
		p, pv := k, math.Abs(a[k*st+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*st+k]); v > pv {
				p, pv = i, v
			}
		}
		if !(pv > pivRel*colmax[k]) || pv > math.MaxFloat64 {
			return k
		}
		rk := a[k*st : k*st+n]
		if p != k {
			rp := a[p*st : p*st+n]
			for j := range rk {
				rk[j], rp[j] = rp[j], rk[j]
			}
			perm[k], perm[p] = perm[p], perm[k]
		}
		inv := 1 / rk[k]
		rk = rk[k+1:]
		for i := k + 1; i < n; i++ {
			ri := a[i*st+k : i*st+n]
			l := ri[0] * inv
			ri[0] = l
			if l == 0 {
				continue
			}
			ri = ri[1 : len(rk)+1]
			for j, v := range rk {
				ri[j] -= l * v
			}
		}
	}
	return -1
}

// luSolve solves A·x = b given the factors of A from luFactor: on entry x
// holds b (length ≥ n), on exit the solution. tmp is scratch of length ≥ n.
func luSolve(a []float64, n, st int, perm []int, x, tmp []float64) {
	if n == 0 {
		return
	}
	a = a[:(n-1)*st+n]
	tmp = tmp[:n]
	for i, p := range perm[:n] {
		tmp[i] = x[p]
	}
	// Forward substitution with the unit-diagonal L.
	for i := 1; i < n; i++ {
		s := tmp[i]
		for j, l := range a[i*st : i*st+i] {
			s -= l * tmp[j]
		}
		tmp[i] = s
	}
	// Back substitution with U.
	for i := n - 1; i >= 0; i-- {
		s := tmp[i]
		u := a[i*st+i+1 : i*st+n]
		t := tmp[i+1:]
		t = t[:len(u)]
		for j, v := range u {
			s -= v * t[j]
		}
		tmp[i] = s / a[i*st+i]
	}
	copy(x[:n], tmp)
}
