using System.Diagnostics;
using MimeKit;

namespace IncidentBridge.Tests.FollowUp.Email;

/// <summary>
/// A real SMTP server for the digest tests: Debian's <c>python3-aiosmtpd</c> run by the system python on a free
/// loopback port. It keeps each message as an .eml file with a JSON sidecar (envelope recipients and the client's
/// address, which tells connections apart), refuses the recipients it is told to with 550, and accepts one login.
/// It can also hold a message at its MAIL FROM until the test releases it (to look at the worker between two messages,
/// or to stop it mid-run), and drop the connection at a MAIL FROM (<see cref="SmtpServerBehaviour"/>).
/// </summary>
internal sealed class SmtpServerProcess : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";
    public const string Username = "digest-bot";
    public const string Password = "s3cret-smtp-password";

    private const int MissingModuleExitCode = 3;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _errors = [];

    private SmtpServerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;

        // Drained all along: a full stderr pipe would block the server mid-conversation.
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                if (e.Data is { } line)
                {
                    _errors.Add(line);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>Starts the server; <paramref name="refusedRecipients"/> are answered 550 at RCPT TO.</summary>
    public static Task<SmtpServerProcess> StartAsync(params string[] refusedRecipients) =>
        StartAsync(new SmtpServerBehaviour { Refused = refusedRecipients });

    public static async Task<SmtpServerProcess> StartAsync(SmtpServerBehaviour behaviour)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: the e-mail tests need the system python with python3-aiosmtpd (apt-get install -y python3-aiosmtpd).");
        }

        var directory = Directory.CreateTempSubdirectory("incidentbridge-smtp-").FullName;
        var script = Path.Combine(directory, "server.py");
        var mail = Directory.CreateDirectory(Path.Combine(directory, "mail")).FullName;
        var config = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(script, Script);
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { refused = behaviour.Refused, hold = behaviour.Hold, drop = behaviour.Drop }));
        var port = FreePort.Next();

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, mail, port.ToString(System.Globalization.CultureInfo.InvariantCulture), Username, Password, config })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var server = new SmtpServerProcess(process, directory, port);
        try
        {
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received()
    {
        var mail = Path.Combine(_directory, "mail");
        return [.. Directory.GetFiles(mail, "*.eml")
            .Select(eml => (Eml: eml, Envelope: ReadEnvelope(Path.ChangeExtension(eml, ".json"))))
            .OrderBy(m => m.Envelope.Sequence)
            .Select(m => new ReceivedMail(m.Envelope.Recipients, m.Envelope.Peer, MimeMessage.Load(m.Eml)))];
    }

    /// <summary>Waits until the server holds the <paramref name="mail"/>th MAIL FROM (1-based, over its whole life), unanswered.</summary>
    public Task WaitUntilHoldingAsync(int mail) =>
        Eventually.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(_directory, $"holding-{mail}"))), held => held, $"the SMTP server holds MAIL FROM #{mail}");

    /// <summary>Lets the server answer the held <paramref name="mail"/>th MAIL FROM and go on with that message.</summary>
    public void Release(int mail) => File.WriteAllText(Path.Combine(_directory, $"release-{mail}"), "");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var deadline = new CancellationTokenSource(StartDeadline);
        var line = _process.StandardOutput.ReadLineAsync(deadline.Token).AsTask();
        var exited = _process.WaitForExitAsync(deadline.Token);
        try
        {
            if (await Task.WhenAny(line, exited) == line && await line == "READY")
            {
                return;
            }
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"aiosmtpd did not listen on 127.0.0.1:{Port} within {StartDeadline.TotalSeconds} s.");
        }

        await _process.WaitForExitAsync();
        string error;
        lock (_errors)
        {
            error = string.Join(Environment.NewLine, _errors);
        }

        throw new InvalidOperationException(_process.ExitCode == MissingModuleExitCode
            ? $"{Python} has no aiosmtpd module: install Debian's python3-aiosmtpd (apt-get install -y python3-aiosmtpd)."
            : $"aiosmtpd failed to start (exit code {_process.ExitCode}): {error}");
    }

    private static Envelope ReadEnvelope(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        return new Envelope(
            root.GetProperty("sequence").GetInt32(),
            [.. root.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString() ?? string.Empty)],
            root.GetProperty("peer").GetString() ?? string.Empty);
    }

    private sealed record Envelope(int Sequence, IReadOnlyList<string> Recipients, string Peer);

    // Writes the sidecar first and renames the .eml into place last, so a reader never sees half a message.
    // Exits when stdin closes: if the test host dies without disposing, the server does not outlive it.
    private const string Script = """
        import asyncio, itertools, json, os, sys
        try:
            from aiosmtpd.controller import Controller
            from aiosmtpd.smtp import AuthResult
        except ImportError:
            print("python3-aiosmtpd is not installed", file=sys.stderr)
            sys.exit(3)

        mail_dir, port, username, password, config_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
        control_dir = os.path.dirname(config_path)
        with open(config_path) as f:
            config = json.load(f)
        refused = {a.lower() for a in config["refused"]}
        hold, drop = set(config["hold"]), set(config["drop"])
        sequence = itertools.count(1)
        mails = itertools.count(1)

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = getattr(auth_data, "login", None) == username.encode() and getattr(auth_data, "password", None) == password.encode()
            # handled=False: aiosmtpd defaults it to True, which means "the 535 is already sent" and leaves the client hanging.
            return AuthResult(success=ok, handled=False)

        class Handler:
            async def handle_MAIL(self, server, session, envelope, address, mail_options):
                n = next(mails)
                if n in drop:
                    server.transport.abort()
                    return "421 4.4.2 connection dropped"
                if n in hold:
                    open(os.path.join(control_dir, "holding-%d" % n), "w").close()
                    while not os.path.exists(os.path.join(control_dir, "release-%d" % n)):
                        await asyncio.sleep(0.01)
                envelope.mail_from = address
                envelope.mail_options.extend(mail_options)
                return "250 OK"

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.lower() in refused:
                    return "550 5.1.1 <%s>: mailbox unavailable" % address
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                n = next(sequence)
                base = os.path.join(mail_dir, "%06d" % n)
                with open(base + ".json", "w") as f:
                    json.dump({"sequence": n, "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "peer": "%s:%s" % tuple(session.peer[:2])}, f)
                with open(base + ".tmp", "wb") as f:
                    f.write(envelope.original_content)
                os.rename(base + ".tmp", base + ".eml")
                return "250 OK"

        controller = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
        controller.start()
        print("READY", flush=True)
        sys.stdin.read()
        controller.stop()
        """;
}

/// <summary>
/// What the test SMTP server does besides accepting mail: recipients it refuses (550 at RCPT TO), and MAIL FROM commands
/// (numbered from 1 over the server's life) it holds until <see cref="SmtpServerProcess.Release"/> or answers by dropping
/// the connection.
/// </summary>
internal sealed record SmtpServerBehaviour
{
    public IReadOnlyList<string> Refused { get; init; } = [];

    public IReadOnlyList<int> Hold { get; init; } = [];

    public IReadOnlyList<int> Drop { get; init; } = [];
}
