package statusfeed

// SetBeforeFence makes p call f as each claim starts, before its producer
// fences the partition's previous owner.
func SetBeforeFence(p *Projector, f func(partition int32)) { p.beforeFence = f }
