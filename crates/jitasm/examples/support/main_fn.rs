//! What every example's `main` does: print what its `run` returns, or the
//! error (exit status 1); on other hosts, say what the example needs.

/// Defines `main` around the example's `run` (x86-64 and AArch64 hosts).
macro_rules! example_main {
    () => {
        fn main() {
            #[cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]
            match run() {
                Ok(text) => print!("{text}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
            #[cfg(not(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix)))]
            println!("this example needs x86-64 or AArch64 and a Unix-like OS");
        }
    };
}
