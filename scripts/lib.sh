# Shared helpers for the project's scripts: stage timing and the dependency installer.
# Sourced, not run.

VERIGRAD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERIGRAD_STAGE_LOG=()

# stage NAME COMMAND...: runs COMMAND, prints and records how long it took; stops on failure.
stage() {
  local name="$1"
  shift
  local start end
  start=$(date +%s)
  echo "==> ${name}"
  if ! "$@"; then
    end=$(date +%s)
    echo "==> ${name} FAILED after $((end - start)) s" >&2
    VERIGRAD_STAGE_LOG+=("$(printf '%-14s %5d s FAILED' "${name}" "$((end - start))")")
    print_stage_times
    exit 1
  fi
  end=$(date +%s)
  VERIGRAD_STAGE_LOG+=("$(printf '%-14s %5d s' "${name}" "$((end - start))")")
}

print_stage_times() {
  echo "==> stage times"
  printf '    %s\n' "${VERIGRAD_STAGE_LOG[@]}"
}

# The Debian 12 packages the build and the tests need (see README, "Dependencies"). clang 14 and
# its runtime libraries (only recommended by clang, so named here) build the ASan + UBSan run;
# gnuplot-nox renders `verigrad accuracy --png` without an X server.
VERIGRAD_PACKAGES=(
  g++ clang libclang-rt-14-dev cmake ninja-build pkgconf ccache
  libboost-dev libgmp-dev libmpfr-dev libmpfi-dev libopenblas-dev
  libgtest-dev libgmock-dev librapidcheck-dev libz3-dev z3 libbenchmark-dev
  gnuplot-nox
)

install_deps() {
  local missing=()
  local pkg
  for pkg in "${VERIGRAD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("${pkg}")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "all ${#VERIGRAD_PACKAGES[@]} packages present"
    return 0
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ccache is named explicitly (cmake/Flags.cmake only picks it up when the launcher variable is
# defined but empty); with paths relative to the repository, build/, build-asan/ and the
# build-fault-* directories of scripts/fault-demo share cache entries where their flags agree.
export CCACHE_BASEDIR="${VERIGRAD_ROOT}"
VERIGRAD_LAUNCHER=()
if command -v ccache >/dev/null; then
  VERIGRAD_LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

configure_release() {
  cmake --preset release "${VERIGRAD_LAUNCHER[@]}"
}

build_release() {
  cmake --build --preset release
}

# The sanitizer run of scripts/test: clang 14, ASan + UBSan (the `asan` preset, build-asan/).
configure_asan() {
  cmake --preset asan "${VERIGRAD_LAUNCHER[@]}"
}

build_asan() {
  cmake --build --preset asan
}

# Sanitizers slow every case several times over, so RapidCheck runs fewer cases here
# (VERIGRAD_ASAN_CASES, default 50): the Release run above already ran the pinned counts.
test_asan() {
  RC_PARAMS="max_success=${VERIGRAD_ASAN_CASES:-50}" \
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --preset asan
}

# Installs the libraries into a temporary prefix, then builds and runs examples/consumer (a
# separate CMake project) against the installed package, so a broken install fails the run.
consumer_example() {
  local prefix
  prefix="$(mktemp -d)"
  cmake --install build --prefix "${prefix}" >/dev/null &&
    cmake -S examples/consumer -B "${prefix}/consumer-build" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="${prefix}" "${VERIGRAD_LAUNCHER[@]}" \
      >/dev/null &&
    cmake --build "${prefix}/consumer-build" &&
    "${prefix}/consumer-build/consumer" &&
    "${prefix}/consumer-build/consumer_engine_only" &&
    "${prefix}/consumer-build/consumer_interval"
  local status=$?
  rm -rf "${prefix}"
  return ${status}
}
