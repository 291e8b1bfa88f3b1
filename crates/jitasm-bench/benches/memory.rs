//! How fast code becomes callable with each W^X strategy of the runtime's
//! code memory. See the crate docs (`src/lib.rs`) for what each benchmark
//! measures and how to run them.

#[cfg(target_arch = "x86_64")]
mod x64 {
    use criterion::{BenchmarkId, Criterion, Throughput};
    use jitasm_core::ByteSink;
    use jitasm_runtime::{isa::X64, Assembler, AssemblerOptions, Executor, Strategy};
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    /// `mov eax, 42; ret`.
    const RET42: [u8; 6] = [0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3];

    /// Reservation of the long-lived assemblers. When one is full it is
    /// replaced outside the timed section.
    const LIVE_CAPACITY: usize = 256 << 20;

    /// Reservation of the one-shot assemblers.
    const ONESHOT_CAPACITY: usize = 64 << 10;

    /// Chunk sizes of `commit_sizes`.
    const SIZES: [usize; 3] = [64, 4096, 65536];

    /// The strategies this platform supports, with their benchmark names.
    fn strategies() -> impl Iterator<Item = (&'static str, Strategy)> {
        [
            ("dualmap", Strategy::DualMap),
            ("protect", Strategy::Protect),
        ]
        .into_iter()
        .filter(|(_, s)| s.is_supported())
    }

    /// A long-lived assembler and the executor that runs its code.
    struct Live {
        asm: Assembler<X64>,
        exec: Executor,
    }

    impl Live {
        fn new(strategy: Strategy) -> Live {
            let asm = Assembler::<X64>::with_options(AssemblerOptions {
                capacity: LIVE_CAPACITY,
                strategy,
            })
            .expect("reserve code memory");
            let exec = asm.reader();
            Live { asm, exec }
        }

        /// How many more chunks of `len` bytes fit.
        fn room(&self, len: usize) -> u64 {
            ((self.asm.capacity() - self.asm.committed_len()) / len) as u64
        }

        /// Appends `bytes`, commits them and calls the function they start
        /// with: bytes ready, callable, called.
        #[inline]
        fn commit_and_call(&mut self, bytes: &[u8]) -> u32 {
            let at = self.asm.offset();
            self.asm.extend_from_slice(bytes);
            self.asm.commit().expect("commit");
            let code = self.exec.lock();
            // SAFETY: `bytes` starts with a function taking nothing, leaving
            // a value in eax (RET42) or nothing meaningful (a bare `ret`,
            // whose result is only passed to black_box).
            let f = unsafe { code.func::<extern "C" fn() -> u32>(at) }.expect("func");
            f()
        }
    }

    /// Runs `iters` rounds of [`Live::commit_and_call`] with `bytes` on the
    /// assembler in `slot`, replacing it (untimed) whenever it is full.
    fn run_live(slot: &mut Option<Live>, strategy: Strategy, bytes: &[u8], iters: u64) -> Duration {
        let mut total = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            if slot.as_ref().map_or(true, |l| l.room(bytes.len()) == 0) {
                *slot = None; // free the old memory before reserving anew
                *slot = Some(Live::new(strategy));
            }
            let live = slot.as_mut().expect("an assembler");
            let n = left.min(live.room(bytes.len()));
            let start = Instant::now();
            for _ in 0..n {
                black_box(live.commit_and_call(black_box(bytes)));
            }
            total += start.elapsed();
            left -= n;
        }
        total
    }

    /// `commit/{dualmap,protect}`: append 6 bytes to a long-lived assembler,
    /// commit, call.
    fn commit(c: &mut Criterion) {
        let mut g = c.benchmark_group("commit");
        for (name, strategy) in strategies() {
            let mut slot = None;
            g.bench_function(name, |b| {
                b.iter_custom(|iters| run_live(&mut slot, strategy, &RET42, iters))
            });
        }
        g.finish();
    }

    /// `oneshot/{dualmap,protect}`: a fresh assembler, 6 bytes, finalize,
    /// call, drop.
    fn oneshot(c: &mut Criterion) {
        let mut g = c.benchmark_group("oneshot");
        for (name, strategy) in strategies() {
            g.bench_function(name, |b| {
                b.iter(|| {
                    let mut asm = Assembler::<X64>::with_options(AssemblerOptions {
                        capacity: ONESHOT_CAPACITY,
                        strategy,
                    })
                    .expect("reserve code memory");
                    let at = asm.offset();
                    asm.extend_from_slice(black_box(&RET42));
                    let code = asm.finalize().expect("finalize");
                    // SAFETY: RET42 is `extern "C" fn() -> u32`.
                    let f = unsafe { code.func::<extern "C" fn() -> u32>(at) }.expect("func");
                    black_box(f())
                    // `code` is dropped here, inside the timed section.
                })
            });
        }
        g.finish();
    }

    /// `commit_sizes/{dualmap,protect}/{64,4096,65536}`: commit chunks of N
    /// bytes of `ret` to a long-lived assembler and call the first.
    fn commit_sizes(c: &mut Criterion) {
        let mut g = c.benchmark_group("commit_sizes");
        for (name, strategy) in strategies() {
            let mut slot = None;
            for size in SIZES {
                let chunk = vec![0xC3u8; size];
                g.throughput(Throughput::Bytes(size as u64));
                g.bench_with_input(BenchmarkId::new(name, size), &chunk, |b, chunk| {
                    b.iter_custom(|iters| run_live(&mut slot, strategy, chunk, iters))
                });
            }
        }
        g.finish();
    }

    /// Every benchmark of this file.
    pub fn benches() {
        let mut c = Criterion::default().configure_from_args();
        commit(&mut c);
        oneshot(&mut c);
        commit_sizes(&mut c);
        c.final_summary();
    }
}

#[cfg(target_arch = "x86_64")]
fn main() {
    x64::benches();
}

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    eprintln!("jitasm-bench: the memory benchmarks emit x86-64 code; nothing to run here");
}
