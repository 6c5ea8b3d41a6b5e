package synth

import "sync"

// defaultCacheEvents bounds how many materialised events a Dataset keeps for Events.
const defaultCacheEvents = 40_000

type cacheKey struct {
	tenant string
	typ    int
}

type cacheEntry struct {
	once sync.Once
	recs []map[string]any
	size int
	used uint64
}

// eventCache keeps the most recently used tenant and type slices, up to limit events in all.
type eventCache struct {
	mu      sync.Mutex
	limit   int
	size    int
	tick    uint64
	entries map[cacheKey]*cacheEntry
}

func newEventCache(limit int) *eventCache {
	return &eventCache{limit: limit, entries: map[cacheKey]*cacheEntry{}}
}

// get returns the cached slice for k, building it once with build; a slice of n events that
// would not fit is built and not kept.
func (c *eventCache) get(k cacheKey, n int, build func() []map[string]any) []map[string]any {
	if n > c.limit {
		return build()
	}
	c.mu.Lock()
	e := c.entries[k]
	if e == nil {
		e = &cacheEntry{size: n}
		c.entries[k] = e
		c.size += n
		c.evict(k)
	}
	c.tick++
	e.used = c.tick
	c.mu.Unlock()

	e.once.Do(func() { e.recs = build() })
	return e.recs
}

// evict drops the least recently used entries other than keep until the cache fits.
func (c *eventCache) evict(keep cacheKey) {
	for c.size > c.limit {
		var oldest cacheKey
		var found bool
		var at uint64
		for k, e := range c.entries {
			if k != keep && (!found || e.used < at) {
				oldest, at, found = k, e.used, true
			}
		}
		if !found {
			return
		}
		c.size -= c.entries[oldest].size
		delete(c.entries, oldest)
	}
}
