using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace IncidentBridge.Bench;

/// <summary>The machine the figures come from.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Kernel, string Runtime, string Wrk, string Sqlite)
{
    public static async Task<MachineInfo> ReadAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memoryKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "Linux"
            : "Linux";
        return new MachineInfo(
            cpu,
            Environment.ProcessorCount,
            $"{long.Parse(memoryKb, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024.0:0.#} GiB",
            os,
            (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(),
            RuntimeInformation.FrameworkDescription,
            await WrkVersionAsync(),
            SqliteVersion());
    }

    private static async Task<string> WrkVersionAsync()
    {
        var start = new ProcessStartInfo("wrk", "-v") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start);
        if (process is null)
        {
            return "unknown";
        }

        var text = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Split('\n').FirstOrDefault(l => l.StartsWith("wrk", StringComparison.Ordinal))?.Split(" Copyright")[0].Trim() ?? "unknown";
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection.ServerVersion;
    }
}
