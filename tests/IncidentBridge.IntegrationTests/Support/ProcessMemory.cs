using System.Globalization;

namespace IncidentBridge.IntegrationTests.Support;

/// <summary>A Linux process's memory, from <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size (<c>VmHWM</c>, the high-water mark of RSS) in bytes.</summary>
    public static long PeakResidentBytes(int processId) => Read(processId, "VmHWM:");

    private static long Read(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith(field, StringComparison.Ordinal));
        // "VmHWM:	  123456 kB"
        var kilobytes = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
    }
}
