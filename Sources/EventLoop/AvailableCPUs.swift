import CLinux
import Glibc

/// How many CPUs this process may keep busy, which is what "one event loop per core" should
/// count: the online CPUs, narrowed by the affinity mask (a cpuset, `taskset`) and by a cgroup
/// CPU quota (`docker run --cpus 2`, a Kubernetes CPU limit), rounded up. Counting the host's
/// 64 cores inside a 2-CPU container would start 64 loops that the quota then throttles.
public enum AvailableCPUs {
    public static var count: Int {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let affinity = Int(paygate_affinity_cpu_count())
        var count = affinity > 0 ? min(online, affinity) : online
        if let quota = cgroupQuota() { count = min(count, quota) }
        return max(1, count)
    }

    /// The cgroup v2 limit (`cpu.max`), else the v1 one (`cpu.cfs_quota_us` / `cpu.cfs_period_us`),
    /// as seen from inside the container (its cgroup namespace makes its own group the root).
    static func cgroupQuota() -> Int? {
        if let cpuMax = read("/sys/fs/cgroup/cpu.max") { return quota(cpuMax: cpuMax) }
        for directory in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
            if let quota = read(directory + "/cpu.cfs_quota_us"), let period = read(directory + "/cpu.cfs_period_us") {
                return self.quota(microseconds: quota, per: period)
            }
        }
        return nil
    }

    /// `cpu.max` is `max PERIOD` (no limit) or `QUOTA PERIOD`.
    static func quota(cpuMax: String) -> Int? {
        let fields = cpuMax.split(separator: " ")
        guard fields.count == 2 else { return nil }
        return quota(microseconds: fields[0], per: fields[1])
    }

    /// QUOTA / PERIOD rounded up; nil for no limit (`max`, or -1 in v1) or anything unreadable.
    static func quota(microseconds quota: some StringProtocol, per period: some StringProtocol) -> Int? {
        guard let quota = Int(quota.trimmingSpace), let period = Int(period.trimmingSpace), quota > 0, period > 0 else { return nil }
        return (quota + period - 1) / period
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingSpace
    }
}

extension StringProtocol {
    fileprivate var trimmingSpace: String {
        String(drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
