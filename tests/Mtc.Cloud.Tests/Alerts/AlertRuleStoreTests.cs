using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Mtc.Cloud.Alerts;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;
using static Mtc.Cloud.Tests.Alerts.AlertFeed;

namespace Mtc.Cloud.Tests.Alerts;

/// <summary>Each rule opens an alert on stored data and resolves it when the condition ends, on both stores.</summary>
public abstract class AlertRuleStoreTests(IBackend backend) : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private ICloudStore _store = null!;
    private AlertEvaluator _rules = null!;

    public async Task InitializeAsync()
    {
        _store = (await backend.NewDatabaseAsync()).Open();
        await _store.MigrateAsync(None);
        _rules = new AlertEvaluator(_store, NullLogger<AlertEvaluator>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        (backend as IDisposable)?.Dispose();
    }

    private async Task<List<AlertRow>> OpenAsync(string rule, string tenant = "acme") =>
        (await _store.ListOpenAlertsAsync(tenant, None)).Where(a => a.Rule == rule).ToList();

    private static JsonElement Evidence(AlertRow a) => JsonDocument.Parse(a.EvidenceJson).RootElement;

    private async Task<AlertRow> ResolvedAsync(AlertRow open)
    {
        var row = await _store.GetAlertAsync("acme", open.Id, None);
        Assert.NotNull(row!.ResolvedAt);
        return row;
    }

    [Fact]
    public async Task Edge_silent_opens_after_the_threshold_once_and_resolves_when_the_edge_sends_again()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Observation("m1", T, "READY"));
        await _rules.EvaluateAsync(T.AddMinutes(4), None);
        Assert.Empty(await OpenAsync(AlertRules.EdgeSilent));
        await _rules.EvaluateAsync(T.AddMinutes(6), None);
        await _rules.EvaluateAsync(T.AddMinutes(7), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.EdgeSilent));
        Assert.Equal(("edge-1", "edge-1", T.AddMinutes(6)), (alert.Subject, alert.EdgeId, alert.OpenedAt));
        Assert.Equal(T, Evidence(alert).GetProperty("lastContact").GetDateTimeOffset());
        Assert.Equal(6, Evidence(alert).GetProperty("silentMinutes").GetDouble());

        await feed.SendAsync(T.AddMinutes(8), Observation("m1", T.AddMinutes(8), "ACTIVE"));
        Assert.Equal(new AlertRound(0, 1), await _rules.EvaluateTenantAsync("acme", T.AddMinutes(8), None));
        var resolved = await ResolvedAsync(alert);
        Assert.Equal((T.AddMinutes(8), AlertEvaluator.Cleared), (resolved.ResolvedAt, resolved.Resolution));
    }

    [Fact]
    public async Task Edge_backlog_opens_while_old_data_arrives_and_resolves_when_it_is_current()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T.AddMinutes(20), Observation("m1", T, "READY"));
        await _rules.EvaluateAsync(T.AddMinutes(20), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.EdgeBacklog));
        Assert.Equal(20, Evidence(alert).GetProperty("lagMinutes").GetDouble());
        Assert.Equal(T, Evidence(alert).GetProperty("newestRecord").GetDateTimeOffset());
        await feed.SendAsync(T.AddMinutes(21), Observation("m1", T.AddMinutes(21), "ACTIVE"));
        await _rules.EvaluateAsync(T.AddMinutes(21), None);
        await ResolvedAsync(alert);
    }

    [Fact]
    public async Task A_fault_alarm_opens_with_its_code_and_message_and_resolves_when_it_clears()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Alarm("m1", "100", "FAULT", T), Alarm("m1", "200", "WARNING", T));
        await _rules.EvaluateAsync(T.AddSeconds(5), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.MachineAlarm));
        Assert.Equal("m1", alert.MachineId);
        Assert.Equal("E100", Evidence(alert).GetProperty("nativeCode").GetString());
        Assert.Equal("Spindle overload 100", Evidence(alert).GetProperty("message").GetString());
        await feed.SendAsync(T.AddMinutes(1), Alarm("m1", "100", "FAULT", T, T.AddMinutes(1)));
        await _rules.EvaluateAsync(T.AddMinutes(1), None);
        await ResolvedAsync(alert);
        Assert.Empty(await OpenAsync(AlertRules.MachineAlarm));
    }

    [Fact]
    public async Task Idle_opens_past_the_threshold_and_resolves_when_the_machine_runs_then_no_parts_while_active()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Status("m1", "IDLE", T), Status("m2", "ACTIVE", T), Part("m2", T, 1));
        await _rules.EvaluateAsync(T.AddMinutes(29), None);
        Assert.Empty(await OpenAsync(AlertRules.MachineIdle));
        await _rules.EvaluateAsync(T.AddMinutes(31), None);
        var idle = Assert.Single(await OpenAsync(AlertRules.MachineIdle));
        Assert.Equal(("m1", T), (idle.MachineId, Evidence(idle).GetProperty("since").GetDateTimeOffset()));
        var noParts = Assert.Single(await OpenAsync(AlertRules.NoParts));
        Assert.Equal("m2", noParts.MachineId);

        await feed.SendAsync(T.AddMinutes(32), Status("m1", "IDLE", T, T.AddMinutes(32)), Status("m1", "ACTIVE", T.AddMinutes(32)),
            Part("m2", T.AddMinutes(32), 2));
        await _rules.EvaluateAsync(T.AddMinutes(33), None);
        await ResolvedAsync(idle);
        await ResolvedAsync(noParts);
        Assert.Empty(await OpenAsync(AlertRules.NoParts));
        await _rules.EvaluateAsync(T.AddMinutes(63), None);
        Assert.Equal(["m1", "m2"], (await OpenAsync(AlertRules.NoParts)).Select(a => a.MachineId).Order());
    }

    [Fact]
    public async Task Offline_opens_after_two_minutes_and_resolves_when_the_machine_is_back()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Status("m1", "OFFLINE", T));
        await _rules.EvaluateAsync(T.AddMinutes(1), None);
        Assert.Empty(await OpenAsync(AlertRules.MachineOffline));
        await _rules.EvaluateAsync(T.AddMinutes(3), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.MachineOffline));
        Assert.Equal("OFFLINE", Evidence(alert).GetProperty("status").GetString());
        await feed.SendAsync(T.AddMinutes(4), Status("m1", "OFFLINE", T, T.AddMinutes(4)), Status("m1", "IDLE", T.AddMinutes(4)));
        await _rules.EvaluateAsync(T.AddMinutes(4), None);
        await ResolvedAsync(alert);
    }

    [Fact]
    public async Task A_gap_opens_with_its_lost_records_and_resolves_after_ten_quiet_minutes()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Gap("m1", 5), Gap("m1", 7));
        await _rules.EvaluateAsync(T.AddMinutes(1), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.DataGap));
        Assert.Equal((2, 12), (Evidence(alert).GetProperty("gaps").GetInt64(), Evidence(alert).GetProperty("missed").GetInt64()));
        await _rules.EvaluateAsync(T.AddMinutes(9), None);
        Assert.Single(await OpenAsync(AlertRules.DataGap));
        await _rules.EvaluateAsync(T.AddMinutes(11), None);
        await ResolvedAsync(alert);
    }

    [Fact]
    public async Task A_cycle_three_times_the_median_opens_and_resolves_when_a_normal_cycle_follows()
    {
        var feed = new AlertFeed(_store, "acme");
        var slowStart = T.AddMinutes(10);
        // m2 has four cycles only: too few to judge.
        await feed.SendAsync(T, [.. Enumerable.Range(0, 5).Select(i => Cycle("m1", "c" + i, T.AddMinutes(i), 70 - (5 * i))),
            .. Enumerable.Range(0, 4).Select(i => Cycle("m2", "d" + i, T.AddMinutes(i), 60))]);
        await feed.SendAsync(slowStart, Cycle("m1", "slow", slowStart, null), Cycle("m2", "slow2", slowStart, null));
        await _rules.EvaluateAsync(slowStart.AddSeconds(170), None);
        Assert.Empty(await OpenAsync(AlertRules.SlowCycle));
        await _rules.EvaluateAsync(slowStart.AddSeconds(200), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.SlowCycle));
        Assert.Equal(("m1", "m1/slow"), (alert.MachineId, alert.Subject));
        var evidence = Evidence(alert);
        Assert.Equal((200, 60, true, 5), (evidence.GetProperty("durationSeconds").GetDouble(), evidence.GetProperty("medianSeconds").GetDouble(),
            evidence.GetProperty("running").GetBoolean(), evidence.GetProperty("cycles").GetInt64()));
        await feed.SendAsync(slowStart.AddSeconds(250), Cycle("m1", "slow", slowStart, 250), Cycle("m1", "next", slowStart.AddSeconds(250), null));
        await _rules.EvaluateAsync(slowStart.AddSeconds(260), None);
        await ResolvedAsync(alert);
    }

    [Fact]
    public async Task Settings_change_thresholds_and_disabling_a_rule_resolves_its_alerts()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Status("m1", "IDLE", T));
        await _store.SaveAlertSettingsAsync("acme", [new AlertSettingRow(AlertRules.MachineIdle, true, 5, T)], None);
        await _rules.EvaluateAsync(T.AddMinutes(6), None);
        var alert = Assert.Single(await OpenAsync(AlertRules.MachineIdle));
        await _store.SaveAlertSettingsAsync("acme", [new AlertSettingRow(AlertRules.MachineIdle, false, 5, T)], None);
        await _rules.EvaluateAsync(T.AddMinutes(7), None);
        Assert.Equal(AlertEvaluator.RuleDisabled, (await ResolvedAsync(alert)).Resolution);
        await _rules.EvaluateAsync(T.AddMinutes(8), None);
        Assert.Empty(await OpenAsync(AlertRules.MachineIdle));
    }

    [Fact]
    public async Task Evaluators_running_at_once_open_one_alert_per_subject()
    {
        var feed = new AlertFeed(_store, "acme");
        await feed.SendAsync(T, Status("m1", "OFFLINE", T), Status("m2", "OFFLINE", T));
        var others = Enumerable.Range(0, 4).Select(_ => new AlertEvaluator(_store, NullLogger<AlertEvaluator>.Instance)).ToList();
        var rounds = await Task.WhenAll(others.Select(e => e.EvaluateTenantAsync("acme", T.AddMinutes(3), None)));
        Assert.Equal(2, rounds.Sum(r => r.Opened));
        Assert.Equal(["m1", "m2"], (await OpenAsync(AlertRules.MachineOffline)).Select(a => a.MachineId).Order());
        var again = await _store.OpenAlertAsync("acme", AlertRules.MachineOffline, new AlertCondition("m1", "m1", null, T, "{}"), T.AddMinutes(4), None);
        Assert.Null(again);
    }

    [Fact]
    public async Task A_tenant_sees_only_its_own_alerts()
    {
        await new AlertFeed(_store, "acme").SendAsync(T, Status("m1", "OFFLINE", T));
        await new AlertFeed(_store, "globex").SendAsync(T.AddMinutes(3), Status("m1", "IDLE", T.AddMinutes(3)));
        await _store.SaveAlertSettingsAsync("globex", [new AlertSettingRow(AlertRules.MachineOffline, false, 2, T)], None);
        await _rules.EvaluateAsync(T.AddMinutes(3), None);
        var acme = Assert.Single(await OpenAsync(AlertRules.MachineOffline));
        Assert.Empty(await _store.ListOpenAlertsAsync("globex", None));
        Assert.Null(await _store.GetAlertAsync("globex", acme.Id, None));
        Assert.Empty(await _store.GetAlertsAsync("globex", new AlertQuery(AlertState.Any, null, null, null, 10), None));
        Assert.Single(await _store.GetAlertSettingsAsync("globex", None));
        Assert.Empty(await _store.GetAlertSettingsAsync("acme", None));
    }
}

public sealed class SqliteAlertRuleStoreTests() : AlertRuleStoreTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertRuleStoreTests(PostgresServer server) : AlertRuleStoreTests(new PostgresBackend(server));
