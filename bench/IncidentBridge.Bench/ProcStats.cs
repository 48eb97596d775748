using System.Globalization;

namespace IncidentBridge.Bench;

/// <summary>Process and machine figures straight from <c>/proc</c> (Linux), independent of what the worker reports.</summary>
internal static class ProcStats
{
    /// <summary>Clock ticks per second of <c>/proc/*/stat</c>; 100 on every Linux the bench targets.</summary>
    private const double TicksPerSecond = 100;

    public static long? ResidentBytes(int pid) => StatusKilobytes(pid, "VmRSS:") * 1024;

    /// <summary>The process's high-water mark of resident memory since it started.</summary>
    public static long? PeakResidentBytes(int pid) => StatusKilobytes(pid, "VmHWM:") * 1024;

    /// <summary>User + system CPU seconds the process has used.</summary>
    public static double? CpuSeconds(int pid) =>
        StatFields(pid) is { } fields ? (Ticks(fields, 11) + Ticks(fields, 12)) / TicksPerSecond : null;

    /// <summary>
    /// CPU seconds of a process and its children, live and exited: a PostgreSQL server, whose postmaster forks a backend
    /// per connection and reaps it (an exited child's CPU is in its parent's <c>cutime</c>/<c>cstime</c>). A child that
    /// exits between two readings moves from one term to the other, so differences stay right.
    /// </summary>
    public static double? ProcessTreeCpuSeconds(int root)
    {
        if (StatFields(root) is not { } own)
        {
            return null;
        }

        var ticks = Ticks(own, 11) + Ticks(own, 12) + Ticks(own, 13) + Ticks(own, 14);
        var rootText = root.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && pid != root
                && StatFields(pid) is { } fields && fields[1] == rootText)
            {
                ticks += Ticks(fields, 11) + Ticks(fields, 12) + Ticks(fields, 13) + Ticks(fields, 14);
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>Busy and total CPU seconds of the whole machine, summed over its cores.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>This process's own CPU seconds.</summary>
    public static double OwnCpuSeconds() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => $"{a} {b}");

    /// <summary>The fields of <c>/proc/pid/stat</c> after the command name (state is [0], ppid [1], utime [11]); null when it is gone.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses: the fields start after the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long Ticks(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);

    private static long? StatusKilobytes(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
