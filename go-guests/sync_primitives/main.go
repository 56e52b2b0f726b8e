// Command sync_primitives exercises the sync and sync/atomic packages with
// many goroutines on the single wasm thread; results are counts only.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	// A mutex-protected counter incremented by 100 goroutines.
	var mu sync.Mutex
	counter := 0
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				mu.Lock()
				counter++
				mu.Unlock()
				if j%10 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("mutex counter:", counter)

	// Atomic operations.
	var n atomic.Int64
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			n.Add(int64(i))
		}(i)
	}
	wg.Wait()
	fmt.Println("atomic sum:", n.Load(), "CAS 1225->1:", n.CompareAndSwap(1225, 1), "now:", n.Load())

	// sync.Once runs exactly once.
	var once sync.Once
	runs := 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { runs++ })
		}()
	}
	wg.Wait()
	fmt.Println("once ran:", runs)

	// RWMutex with readers and a writer.
	var rw sync.RWMutex
	shared := map[string]int{}
	for i := 0; i < 10; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			rw.Lock()
			shared[fmt.Sprint("k", i)] = i
			rw.Unlock()
		}(i)
		go func() {
			defer wg.Done()
			rw.RLock()
			_ = len(shared)
			rw.RUnlock()
		}()
	}
	wg.Wait()
	fmt.Println("rwmutex map size:", len(shared))

	// sync.Cond: a producer signals consumers in order.
	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	ready := 0
	results := make([]int, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmu.Lock()
			for ready <= i {
				cond.Wait()
			}
			results[i] = i * i
			cmu.Unlock()
		}(i)
	}
	for i := 0; i < 5; i++ {
		cmu.Lock()
		ready++
		cmu.Unlock()
		cond.Broadcast()
		runtime.Gosched()
	}
	wg.Wait()
	fmt.Println("cond results:", results)

	// A buffered channel used as a semaphore limiting concurrency to 3.
	sem := make(chan struct{}, 3)
	var active, maxActive atomic.Int32
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			a := active.Add(1)
			for {
				m := maxActive.Load()
				if a <= m || maxActive.CompareAndSwap(m, a) {
					break
				}
			}
			runtime.Gosched()
			active.Add(-1)
			<-sem
		}()
	}
	wg.Wait()
	fmt.Println("semaphore max concurrency <= 3:", maxActive.Load() <= 3, "and > 0:", maxActive.Load() > 0)

	// sync.Map.
	var sm sync.Map
	for i := 0; i < 10; i++ {
		sm.Store(i, i*i)
	}
	v, ok := sm.Load(7)
	fmt.Println("sync.Map load 7:", v, ok)
	count := 0
	sm.Range(func(k, v any) bool { count++; return true })
	fmt.Println("sync.Map entries:", count)
}
