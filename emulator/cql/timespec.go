package cql

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeSpec is the value of EARLIEST= or LATEST=: either an offset from now (Relative) or
// an absolute instant.
type TimeSpec struct {
	Relative bool
	Offset   time.Duration // Relative: added to now; -24h for -1d, 0 for now
	Abs      time.Time     // absolute: the instant, in UTC
	Text     string        // the value as written, without quotes
	Pos      Pos
}

// Resolve returns the instant the spec names, relative ones counted from now.
func (t *TimeSpec) Resolve(now time.Time) time.Time {
	if t.Relative {
		return now.Add(t.Offset).UTC()
	}
	return t.Abs
}

// String returns the spec as normalised CQL text: relative offsets as written (-1d),
// absolute instants in quoted RFC 3339.
func (t *TimeSpec) String() string {
	if t.Relative {
		return t.Text
	}
	return "'" + t.Abs.Format(time.RFC3339Nano) + "'"
}

// relativeUnits are the units of a relative time, in the order the hint lists them.
var relativeUnits = []struct {
	suffix string
	d      time.Duration
}{
	{"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
}

// absoluteLayouts are the absolute time forms accepted in EARLIEST, LATEST and comparisons.
var absoluteLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02",
}

const timeHint = "use a relative time such as -1d, -24h, -30m or 0 (now), " +
	"an RFC 3339 time such as '2024-01-02T15:04:05Z', '2024-01-02 15:04:05', or epoch seconds"

// parseTimeSpec reads an EARLIEST or LATEST value. The error is the message only; the
// parser adds the position.
func parseTimeSpec(text string) (*TimeSpec, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, fmt.Errorf("empty time; %s", timeHint)
	}
	if s == "0" || strings.EqualFold(s, "now") {
		return &TimeSpec{Relative: true, Text: "0"}, nil
	}
	if s[0] == '-' || s[0] == '+' {
		return parseRelative(s)
	}
	if isAllDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("epoch time %q is out of range; %s", s, timeHint)
		}
		return &TimeSpec{Abs: epoch(float64(n)), Text: s}, nil
	}
	if t, ok := parseAbsolute(s); ok {
		return &TimeSpec{Abs: t, Text: s}, nil
	}
	if _, err := parseRelative("-" + s); err == nil {
		return nil, fmt.Errorf("relative time %q needs a sign: write -%s for %s ago", s, s, s)
	}
	return nil, fmt.Errorf("unknown time %q; %s", s, timeHint)
}

func parseRelative(s string) (*TimeSpec, error) {
	sign := time.Duration(1)
	if s[0] == '-' {
		sign = -1
	}
	body := s[1:]
	for _, u := range relativeUnits {
		num, ok := strings.CutSuffix(body, u.suffix)
		if !ok || num == "" || !isAllDigits(num) {
			continue
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n > int64(math.MaxInt64/u.d) {
			return nil, fmt.Errorf("relative time %q is too far away", s)
		}
		norm := string(s[0]) + strconv.FormatInt(n, 10) + u.suffix
		if n == 0 {
			norm = "0"
		}
		return &TimeSpec{Relative: true, Offset: sign * time.Duration(n) * u.d, Text: norm}, nil
	}
	return nil, fmt.Errorf("unknown relative time %q; %s", s, timeHint)
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseAbsolute reads one of the absolute layouts; times without a zone are UTC.
func parseAbsolute(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' {
		return time.Time{}, false // fast path for the common case of a non-time string
	}
	for _, layout := range absoluteLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// epoch converts a number of seconds, milliseconds, microseconds or nanoseconds since
// 1970 to a time, choosing the unit by magnitude: Taegis fields hold all four.
func epoch(n float64) time.Time {
	a := math.Abs(n)
	switch {
	case a >= 1e17:
		return time.Unix(0, int64(n)).UTC()
	case a >= 1e14:
		return time.UnixMicro(int64(n)).UTC()
	case a >= 1e11:
		return time.UnixMilli(int64(n)).UTC()
	}
	sec, frac := math.Modf(n)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}
