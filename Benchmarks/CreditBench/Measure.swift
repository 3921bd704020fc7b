import Foundation

/// Latency samples of one operation, in nanoseconds.
struct Samples {
    var name: String
    var nanos: [Double] = []

    mutating func add(_ d: Duration) {
        nanos.append(Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9)
    }

    func percentile(_ p: Double) -> Double {
        let sorted = nanos.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
    var p50: Double { percentile(0.50) }
    var p99: Double { percentile(0.99) }
}

/// Times `body` `count` times after `warmup` untimed runs.
func measure(_ name: String, count: Int, warmup: Int = 20, _ body: (Int) async throws -> Void) async rethrows -> Samples {
    for i in 0..<warmup { try await body(i) }
    var samples = Samples(name: name)
    let clock = ContinuousClock()
    for i in 0..<count {
        let start = clock.now
        try await body(i)
        samples.add(clock.now - start)
    }
    return samples
}

/// The process's peak resident memory (VmHWM) in MiB, from /proc.
func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

/// A markdown table printed as the benchmark goes.
struct Report {
    var lines: [String] = []

    mutating func header(_ title: String) {
        emit("\n### \(title)\n")
        emit("| measure | value | baseline (same run) | ratio to baseline |")
        emit("|---|---|---|---|")
    }

    mutating func row(_ measure: String, _ value: String, _ baseline: String, _ ratio: Double) {
        emit("| \(measure) | \(value) | \(baseline) | \(String(format: "%.2f", ratio))× |")
    }

    mutating func emit(_ line: String) {
        print(line)
        fflush(nil)
        lines.append(line)
    }
}

func micros(_ ns: Double) -> String { String(format: "%.1f µs", ns / 1000) }
func millis(_ ns: Double) -> String { String(format: "%.2f ms", ns / 1e6) }
