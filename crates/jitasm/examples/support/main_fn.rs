//! What every example's `main` does: print what its `run` returns, or the
//! error (exit status 1); on other hosts, say what the example needs.

/// Defines `main` around the example's `run`.
macro_rules! example_main {
    () => {
        fn main() {
            #[cfg(all(target_arch = "x86_64", unix))]
            match run() {
                Ok(text) => print!("{text}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
            #[cfg(not(all(target_arch = "x86_64", unix)))]
            println!("this example needs x86-64 and a Unix-like OS");
        }
    };
}
