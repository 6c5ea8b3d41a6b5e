package synth

import "encoding/binary"

// rng is a small splitmix64 generator. It is used instead of math/rand so that every record can
// be regenerated from its own key in a few nanoseconds without allocating, and so that the
// stream for a given seed never changes with the Go release.
type rng struct{ s uint64 }

// mix is the splitmix64 finaliser: a bijective scramble of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// keyed returns a generator whose stream depends on the seed and every part of the key.
func keyed(seed int64, parts ...uint64) rng {
	h := mix(uint64(seed) ^ 0x9e3779b97f4a7c15)
	for _, p := range parts {
		h = mix(h ^ p + 0x9e3779b97f4a7c15)
	}
	return rng{s: h}
}

// label hashes a string into a key part (64-bit FNV-1a).
func label(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	return int(r.next() % uint64(n))
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int {
	return lo + r.intn(hi-lo+1)
}

// float returns a value in [0, 1).
func (r *rng) float() float64 {
	return float64(r.next()>>11) / (1 << 53)
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool {
	return r.float() < p
}

// pick returns one element of xs.
func pick[T any](r *rng, xs []T) T {
	return xs[r.intn(len(xs))]
}

// uuid returns a version 4 shaped UUID drawn from r.
func (r *rng) uuid() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.next())
	binary.BigEndian.PutUint64(b[8:], r.next())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// hex returns n random bytes as lower-case hex.
func (r *rng) hex(n int) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*n)
	var w uint64
	for i := 0; i < n; i++ {
		if i%8 == 0 {
			w = r.next()
		}
		c := byte(w >> (8 * (i % 8)))
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// round3 rounds a score to three decimals so that JSON renders it compactly.
func round3(x float64) float64 {
	return float64(int64(x*1000+0.5)) / 1000
}
