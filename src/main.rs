// regorus allocates and frees a value for nearly every step of a rule: mimalloc makes that
// markedly cheaper than glibc's allocator (measured in bench/policy.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gitgate::cli::main()
}
