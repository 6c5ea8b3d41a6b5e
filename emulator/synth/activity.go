package synth

import (
	"sort"
	"time"
)

// activityCurve spreads background events over the window the way an office network is busy:
// most activity on weekday working hours (UTC), less in the evening, a trickle of servers and
// scheduled jobs at night and on weekends. It maps a share u in [0, 1) of a type's events to
// a time, monotonically.
type activityCurve struct {
	start int64     // window start, microseconds since the epoch
	cum   []float64 // cum[h] is the total weight of the window's first h hours
}

// hourWeight is how busy one hour of the day is, by day kind.
func hourWeight(t time.Time) float64 {
	h := t.Hour()
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	switch {
	case weekend:
		return 0.35
	case h >= 8 && h < 18:
		return 3
	case h >= 6 && h < 21:
		return 1.2
	default:
		return 0.35
	}
}

func newActivityCurve(now time.Time) *activityCurve {
	start := now.Add(-Window)
	hours := int(Window / time.Hour)
	c := &activityCurve{start: start.UnixMicro(), cum: make([]float64, hours+1)}
	for h := 0; h < hours; h++ {
		c.cum[h+1] = c.cum[h] + hourWeight(start.Add(time.Duration(h)*time.Hour))
	}
	return c
}

// at returns the time of share u of the events.
func (c *activityCurve) at(u float64) int64 {
	hours := len(c.cum) - 1
	target := u * c.cum[hours]
	h := sort.SearchFloat64s(c.cum, target) - 1 // the hour whose span holds target
	h = min(max(h, 0), hours-1)
	frac := (target - c.cum[h]) / (c.cum[h+1] - c.cum[h])
	frac = min(max(frac, 0), 1)
	hourUS := float64(time.Hour / time.Microsecond)
	at := c.start + int64((float64(h)+frac)*hourUS)
	return min(at, c.start+int64(Window/time.Microsecond)-1)
}
