using Mtc.Edge.Collectors.Modbus;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary>The hand-written Modbus TCP client against a real pymodbus server driven into each behaviour.</summary>
public sealed class ModbusTcpClientTests : IAsyncLifetime
{
    private ModbusServer _server = null!;

    public async Task InitializeAsync() => _server = await ModbusServer.StartAsync();

    public Task DisposeAsync()
    {
        _server.Dispose();
        return Task.CompletedTask;
    }

    private ModbusTcpClient Client(int timeoutMs = 2000) => new("127.0.0.1", _server.Port, 1, TimeSpan.FromMilliseconds(timeoutMs));

    [Fact]
    public async Task Reads_32_bit_counters_low_word_first_and_input_states()
    {
        await _server.SetAsync(0, 70000);
        await _server.SetAsync(3, uint.MaxValue);
        await _server.InputAsync(3, true);
        using var client = Client();
        var registers = await client.ReadInputRegistersAsync(0, 8, CancellationToken.None);
        Assert.Equal(new ushort[] { 4464, 1, 0, 0, 0, 0, 65535, 65535 }, registers);
        var inputs = await client.ReadDiscreteInputsAsync(0, 12, CancellationToken.None);
        Assert.Equal([false, false, false, true, false, false, false, false, false, false, false, false], inputs);
        // Both on one connection: the module keeps it.
        Assert.Equal(1, client.Connects);
    }

    [Fact]
    public async Task An_answer_with_another_transaction_id_is_skipped_and_the_matching_one_taken()
    {
        await _server.SetAsync(0, 1234);
        await _server.ModeAsync("stale");
        using var client = Client();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1234, (await client.ReadInputRegistersAsync(0, 2, CancellationToken.None))[0]);
        }
        Assert.True(client.StaleAnswers >= 3, $"{client.StaleAnswers} stale answers skipped");
    }

    [Fact]
    public async Task An_exception_answer_is_a_typed_error_and_the_connection_stays_usable()
    {
        await _server.ModeAsync("exception", 2);
        using var client = Client();
        var e = await Assert.ThrowsAsync<ModbusDeviceException>(() => client.ReadInputRegistersAsync(0, 2, CancellationToken.None));
        Assert.Equal(2, e.Code);
        Assert.Equal(4, e.Function);
        Assert.Contains("illegal data address", e.Message, StringComparison.Ordinal);
        await _server.ModeAsync("normal");
        await client.ReadInputRegistersAsync(0, 2, CancellationToken.None);
        Assert.Equal(1, client.Connects);
    }

    [Fact]
    public async Task A_module_that_does_not_answer_times_out_and_the_next_request_connects_again()
    {
        await _server.ModeAsync("silent");
        using var client = Client(300);
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.ReadInputRegistersAsync(0, 2, CancellationToken.None));
        Assert.Contains("within 300 ms", e.Message, StringComparison.Ordinal);
        await _server.ModeAsync("normal");
        await client.ReadInputRegistersAsync(0, 2, CancellationToken.None);
        Assert.Equal(2, client.Connects);
    }

    [Fact]
    public async Task A_module_that_closes_the_socket_after_each_answer_is_read_through_a_new_connection_each_time()
    {
        await _server.SetAsync(1, 77);
        await _server.ModeAsync("close");
        using var client = Client();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(77, (await client.ReadInputRegistersAsync(0, 4, CancellationToken.None))[2]);
            await client.ReadDiscreteInputsAsync(0, 2, CancellationToken.None);
        }
        Assert.Equal(10, client.Connects);
    }

    [Fact]
    public async Task A_hostile_length_field_is_refused_before_reading()
    {
        await _server.ModeAsync("hostile");
        using var client = Client();
        var e = await Assert.ThrowsAsync<ModbusProtocolException>(() => client.ReadInputRegistersAsync(0, 2, CancellationToken.None));
        Assert.Contains("length 65535", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_is_an_MBAP_header_and_a_PDU_big_endian_and_a_header_that_is_not_Modbus_is_refused()
    {
        Assert.Equal(Convert.FromHexString("BEEF00000006110400000018"), ModbusFrames.ReadRequest(0xBEEF, 0x11, 4, 0, 24));
        Assert.Equal((ushort)7, ModbusFrames.ReadHeader(Convert.FromHexString("00070000000b01")).Transaction);
        Assert.Contains("protocol id 1", Assert.Throws<ModbusProtocolException>(() => ModbusFrames.ReadHeader(Convert.FromHexString("00070001000b01"))).Message,
            StringComparison.Ordinal);
        Assert.Contains("length 1 ", Assert.Throws<ModbusProtocolException>(() => ModbusFrames.ReadHeader(Convert.FromHexString("00070000000101"))).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_is_a_socket_error_not_a_hang()
    {
        using var client = new ModbusTcpClient("127.0.0.1", ModbusServer.FreePort(), 1, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => client.ReadInputRegistersAsync(0, 2, CancellationToken.None));
    }
}
