package kernel

// ShellQueueLen reports how many shell requests k has received but not yet served; the
// protocol tests use it to know that requests are queued behind a running cell.
func ShellQueueLen(k *Kernel) int { return k.shellQ.len() }
