using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace IncidentBridge.Bench;

/// <summary>Runs wrk with one of the scripts in bench/wrk and reads the summary line the script prints.</summary>
internal sealed class Wrk(BenchOptions options)
{
    /// <summary>
    /// Longer than the worker's own StoreTimeout (4 s): a slow answer is measured as slow (or as the 503 it becomes),
    /// not dropped from the latencies as wrk's default 2 s timeout would.
    /// </summary>
    private const string RequestTimeout = "10s";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The CPU seconds wrk used in its last run (read from /proc just before it ended, so a little short).</summary>
    public double LastCpuSeconds { get; private set; }

    public async Task<WrkResult> RunAsync(
        string script, Uri target, TimeSpan duration, IReadOnlyList<string> scriptArguments, IReadOnlyDictionary<string, string> environment, string label, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk")
        {
            WorkingDirectory = options.WrkDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-t", options.Threads.ToString(CultureInfo.InvariantCulture), "-c", options.Connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{duration.TotalSeconds:0}s", "--timeout", RequestTimeout, "--latency", "-s", script, target.ToString(),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (scriptArguments.Count > 0)
        {
            start.ArgumentList.Add("--");
            foreach (var argument in scriptArguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        LastCpuSeconds = 0;
        while (!process.HasExited)
        {
            LastCpuSeconds = ProcStats.CpuSeconds(process.Id) ?? LastCpuSeconds;
            await Task.WhenAny(process.WaitForExitAsync(cancellationToken), Task.Delay(250, cancellationToken));
        }

        var text = await output + await errors;
        await File.AppendAllTextAsync(Path.Combine(options.OutDirectory, "wrk.log"), $"===== {label}: wrk {string.Join(' ', start.ArgumentList)}\n{text}\n", cancellationToken);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no summary (exit {process.ExitCode}):\n{text}");
        return JsonSerializer.Deserialize<WrkResult>(line["BENCH ".Length..], Json) ?? throw new InvalidOperationException("Empty wrk summary.");
    }
}
