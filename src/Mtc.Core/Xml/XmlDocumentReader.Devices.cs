using Mtc.Core.Model;

namespace Mtc.Core.Xml;

internal sealed partial class XmlDocumentReader
{
    private DevicesDocument ReadDevicesDocument(string? version)
    {
        DocumentHeader header = new();
        var devices = new List<Device>();
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                string name = _reader.LocalName;
                if (ReferenceEquals(name, _names.Header))
                {
                    header = ReadHeader(lenient: true);
                }
                else if (ReferenceEquals(name, _names.Devices))
                {
                    // Device, Agent, or any other element a newer schema puts here.
                    ReadEachChild(devices, ReadDevice);
                }
                else
                {
                    Skip();
                }
            }
        }

        return new DevicesDocument { Header = header, Version = Coalesce(version, header), Devices = devices };
    }

    private Device ReadDevice()
    {
        var (elementName, id, name, uuid, dataItems, components) = ReadComponentParts();
        return new Device { ElementName = elementName, Id = id, Name = name, Uuid = uuid, DataItems = dataItems, Components = components };
    }

    private Component ReadComponent()
    {
        var (elementName, id, name, _, dataItems, components) = ReadComponentParts();
        return new Component { ElementName = elementName, Id = id, Name = name, DataItems = dataItems, Components = components };
    }

    private (string ElementName, string? Id, string? Name, string? Uuid, List<DataItem> DataItems, List<Component> Components) ReadComponentParts()
    {
        EnsureStack();
        string elementName = _reader.LocalName;
        string? id = null, name = null, uuid = null;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.Id))
                {
                    id = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.Name))
                {
                    name = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.Uuid))
                {
                    uuid = _reader.Value;
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        var dataItems = new List<DataItem>();
        var components = new List<Component>();
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                string child = _reader.LocalName;
                if (ReferenceEquals(child, _names.DataItems))
                {
                    ReadDataItems(dataItems, id, elementName);
                }
                else if (ReferenceEquals(child, _names.Components))
                {
                    ReadEachChild(components, ReadComponent);
                }
                else if (ReferenceEquals(child, _names.Description) || ReferenceEquals(child, _names.Configuration)
                    || ReferenceEquals(child, _names.References) || ReferenceEquals(child, _names.Compositions))
                {
                    // Not needed here.
                    Skip();
                }
                else if (ReferenceEquals(child, _names.DataItem))
                {
                    _bent.Add(BentRule.DataItemOutsideDataItems, child, $"a DataItem directly under <{elementName}>, not inside its DataItems; read as one of its data items");
                    dataItems.Add(ReadDataItem(id, elementName));
                }
                else
                {
                    ReadComponentOutsideComponents(components, elementName);
                }
            }
        }

        return (elementName, id, name, uuid, dataItems, components);
    }

    /// <summary>
    /// Any other child (<c>Systems</c>, <c>Auxiliaries</c>, <c>Controller</c>, ... put directly under a device instead of
    /// inside its <c>Components</c>) is read as a component, so none of its data items is dropped. One that has no data
    /// items and no components (a vendor's extension element) is left out, as before.
    /// </summary>
    private void ReadComponentOutsideComponents(List<Component> components, string parentName)
    {
        var position = (_lineInfo?.LineNumber ?? 0, _lineInfo?.LinePosition ?? 0);
        var component = ReadComponent();
        if (component.DataItems.Count == 0 && component.Components.Count == 0)
        {
            return;
        }

        components.Add(component);
        _bent.Add(
            BentRule.ComponentOutsideComponents,
            component.ElementName,
            $"<{component.ElementName}> directly under <{parentName}>, not inside its Components; read as one of its components",
            position);
    }

    private void ReadDataItems(List<DataItem> dataItems, string? componentId, string componentType)
    {
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (NextChild(depth))
        {
            if (ReferenceEquals(_reader.LocalName, _names.DataItem))
            {
                dataItems.Add(ReadDataItem(componentId, componentType));
            }
            else
            {
                Skip();
            }
        }
    }

    private DataItem ReadDataItem(string? componentId, string componentType)
    {
        string? id = null, name = null, type = null, subType = null, units = null, nativeUnits = null;
        string? representation = null, statistic = null, compositionId = null;
        DataItemCategory? category = null;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.Id))
                {
                    id = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.Name))
                {
                    name = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.Type))
                {
                    type = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.SubType))
                {
                    subType = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Category))
                {
                    category = ParseCategory(AtomizedAttribute());
                }
                else if (ReferenceEquals(attribute, _names.Units))
                {
                    units = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.NativeUnits))
                {
                    nativeUnits = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Representation))
                {
                    representation = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Statistic))
                {
                    statistic = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.CompositionId))
                {
                    compositionId = _reader.Value;
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        if (id is null || type is null || category is null)
        {
            throw Fail(FormatErrorKind.InvalidValue, $"<DataItem{(id is null ? string.Empty : $" id=\"{id}\"")}> needs id, type and category");
        }

        // Source, Constraints, Filters, Definition: not needed here.
        Skip();

        return new DataItem
        {
            Id = id,
            Name = name,
            Type = type,
            SubType = subType,
            Category = category.Value,
            Units = units,
            NativeUnits = nativeUnits,
            Representation = representation,
            Statistic = statistic,
            CompositionId = compositionId,
            ComponentId = componentId,
            ComponentType = componentType,
        };
    }

    private DataItemCategory ParseCategory(string category)
    {
        if (ReferenceEquals(category, _names.Sample))
        {
            return DataItemCategory.Sample;
        }

        if (ReferenceEquals(category, _names.Event))
        {
            return DataItemCategory.Event;
        }

        if (ReferenceEquals(category, _names.ConditionCategory))
        {
            return DataItemCategory.Condition;
        }

        throw Fail(FormatErrorKind.InvalidValue, $"category=\"{category}\" is not SAMPLE, EVENT or CONDITION");
    }
}
