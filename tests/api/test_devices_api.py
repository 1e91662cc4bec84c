"""Devices: add, list, details, rename, delete, network, compile, slots, parking lot, AML export/import."""

from __future__ import annotations

import pytest

from fakes.model import Module
from tests.conftest import CPU, DI_1500, HMI, IM, add_device, assert_error, configure, data, job_error, run_job


def _names(client, headers):
    return [d["name"] for d in data(client.get("/api/projects/devices", headers=headers))]


def _plug(services, device: str, order_number: str, slot: int, name: str) -> None:
    """Test set-up: plug a module into the fake's model (no route in this issue plugs modules)."""
    project = services.backend._project()
    project.devices[device].modules.append(
        Module(name=name, order_number=order_number, firmware="V2.2", slot=slot, category="Digital input")
    )


def _add(client, headers, body):
    return client.post("/api/projects/devices/actions/add-sync", json=body, headers=headers)


# ----- list and add ----------------------------------------------------------------------------
def test_list_devices(client, viewer_headers, cpu):
    devices = data(client.get("/api/projects/devices", headers=viewer_headers))
    assert len(devices) == 1
    plc = devices[0]
    assert plc["name"] == "PLC_1"
    assert plc["orderNumber"] == CPU
    assert plc["firmwareVersion"] == "V3.1"  # newest when omitted
    assert plc["typeIdentifier"] == f"OrderNumber:{CPU}/V3.1"
    assert plc["deviceKind"] == "plc"
    assert [i["name"] for i in plc["interfaces"]] == ["PROFINET interface_1", "PROFINET interface_2", "DP interface_1"]
    assert plc["parked"] is False


def test_list_devices_needs_a_project(client, viewer_headers):
    assert_error(client.get("/api/projects/devices", headers=viewer_headers), 409, "NO_PROJECT_OPEN")


def test_list_devices_async(client, viewer_headers, cpu):
    job = run_job(client, "GET", "/api/projects/devices/async", viewer_headers)
    assert job["status"] == "Completed"
    assert [d["name"] for d in job["result"]] == ["PLC_1"]


def test_list_devices_async_without_project_fails(client, viewer_headers):
    job = run_job(client, "GET", "/api/projects/devices/async", viewer_headers)
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "NO_PROJECT_OPEN"


def test_add_with_version_and_pascal_case(client, engineer_headers, project):
    device = data(_add(client, engineer_headers, {"OrderNumber": CPU, "Name": "PLC_V25", "Version": "V2.5"}))
    assert device["firmwareVersion"] == "V2.5"
    assert device["typeIdentifier"] == f"OrderNumber:{CPU}/V2.5"
    hmi = data(_add(client, engineer_headers, {"orderNumber": HMI, "name": "HMI_1"}))
    assert hmi["deviceKind"] == "hmi"
    io = data(_add(client, engineer_headers, {"orderNumber": IM.replace(" ", "").lower(), "name": "IO_1"}))
    assert io["orderNumber"] == IM  # article numbers are matched tolerantly and stored canonically
    assert _names(client, engineer_headers) == ["PLC_V25", "HMI_1", "IO_1"]


def test_add_async(client, engineer_headers, project):
    job = run_job(
        client, "POST", "/api/projects/devices/actions/add", engineer_headers,
        json={"orderNumber": CPU, "name": "PLC_A"}
    )
    assert job["status"] == "Completed"
    assert job["operation"] == "devices.add"
    assert job["result"]["name"] == "PLC_A"
    assert _names(client, engineer_headers) == ["PLC_A"]


def test_add_async_failure(client, engineer_headers, project):
    job = run_job(
        client, "POST", "/api/projects/devices/actions/add", engineer_headers,
        json={"orderNumber": "6ES7 999-9ZZ99-0AB0", "name": "PLC_X"},
    )
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "ARTICLE_NOT_FOUND"
    assert job_error(job)["status"] == 404


def test_add_errors(client, engineer_headers, cpu):
    assert_error(_add(client, engineer_headers, {"orderNumber": "6ES7 999-9ZZ99-0AB0", "name": "X"}), 404,
                 "ARTICLE_NOT_FOUND")
    body = assert_error(_add(client, engineer_headers, {"orderNumber": CPU, "name": "X", "version": "V9.9"}), 422,
                        "UNKNOWN_FIRMWARE")
    assert "V3.1" in body["message"]  # names the known versions
    assert_error(_add(client, engineer_headers, {"orderNumber": DI_1500, "name": "X"}), 422, "NOT_A_DEVICE")
    assert_error(_add(client, engineer_headers, {"orderNumber": CPU, "name": "plc_1"}), 409, "DEVICE_EXISTS")
    # no default name saves it
    assert_error(_add(client, engineer_headers, {"orderNumber": DI_1500}), 422, "NOT_A_DEVICE")
    assert_error(_add(client, engineer_headers, {"name": "X"}), 422)
    assert _names(client, engineer_headers) == ["PLC_1"]


@pytest.mark.parametrize("name",
                         ["A/B", "A\\B", "A:B", "A*", "A?", 'A"', "A<", "A>", "A|B", "Dot.", " Lead", "Trail ", "NUL",
                          "x" * 129])
def test_device_naming_rules(client, engineer_headers, project, name):
    assert_error(_add(client, engineer_headers, {"orderNumber": CPU, "name": name}), 422, "INVALID_NAME")
    assert _names(client, engineer_headers) == []


def test_add_without_project_is_409(client, engineer_headers):
    assert_error(_add(client, engineer_headers, {"orderNumber": CPU, "name": "PLC_1"}), 409, "NO_PROJECT_OPEN")


def test_viewer_cannot_add(client, viewer_headers, project):
    assert_error(_add(client, viewer_headers, {"orderNumber": CPU, "name": "PLC_1"}), 403, "FORBIDDEN")


# ----- details ---------------------------------------------------------------------------------
def test_hardware_details(client, viewer_headers, engineer_headers, services, cpu):
    configure(client, engineer_headers, "PLC_1", "10.0.0.1", subnetMask="255.255.0.0", routerAddress="10.0.0.254")
    _plug(services, "PLC_1", DI_1500, 2, "DI 16x24VDC HF_1")
    details = data(client.get("/api/devices/PLC_1/hardware-details", headers=viewer_headers))
    assert details["name"] == "PLC_1"
    x1 = details["interfaces"][0]
    assert (x1["ipAddress"], x1["subnetMask"], x1["routerAddress"], x1["subnetName"]) == (
        "10.0.0.1", "255.255.0.0", "10.0.0.254", "PN/IE_1",
    )
    assert x1["profinetDeviceName"] == "plc-1"
    assert details["items"] == [
        {
            "name": "DI 16x24VDC HF_1", "orderNumber": DI_1500, "firmwareVersion": "V2.2",
            "typeIdentifier": f"OrderNumber:{DI_1500}/V2.2", "slot": 2, "category": "Digital input",
        }
    ]


def test_hardware_details_unknown_device_is_404(client, viewer_headers, project):
    assert_error(client.get("/api/devices/Ghost/hardware-details", headers=viewer_headers), 404, "DEVICE_NOT_FOUND")


# ----- rename ----------------------------------------------------------------------------------
def test_rename_keeps_modules_and_network(client, engineer_headers, services, cpu):
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    _plug(services, "PLC_1", DI_1500, 2, "DI_1")
    _plug(services, "PLC_1", DI_1500, 3, "DI_2")
    add_device(client, engineer_headers, HMI, "HMI_1")
    renamed = data(
        client.post("/api/devices/actions/rename", json={"deviceName": "PLC_1", "newName": "Press_PLC"},
                    headers=engineer_headers)
    )
    assert renamed["name"] == "Press_PLC"
    assert [(i["name"], i["slot"]) for i in renamed["items"]] == [("DI_1", 2), ("DI_2", 3)]
    assert renamed["interfaces"][0]["ipAddress"] == "192.168.0.1"
    assert _names(client, engineer_headers) == ["Press_PLC", "HMI_1"]  # keeps its place in the tree
    assert_error(client.get("/api/devices/PLC_1/hardware-details", headers=engineer_headers), 404)


def test_rename_updates_a_generated_profinet_name(client, engineer_headers, cpu):
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    renamed = data(
        client.post("/api/devices/actions/rename", json={"deviceName": "PLC_1", "newName": "Press"},
                    headers=engineer_headers)
    )
    assert renamed["interfaces"][0]["profinetDeviceName"] == "press"
    add_device(client, engineer_headers, CPU, "PLC_1")  # a new PLC_1 gets "plc-1": no clash with the renamed one
    configure(client, engineer_headers, "PLC_1", "192.168.0.2")
    result = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert (result["state"], result["errorCount"]) == ("Success", 0), result


def test_rename_async(client, engineer_headers, cpu):
    job = run_job(
        client, "POST", "/api/devices/actions/rename-async", engineer_headers,
        json={"DeviceName": "PLC_1", "NewName": "PLC_Async"},
    )
    assert job["status"] == "Completed"
    assert job["result"]["name"] == "PLC_Async"
    assert _names(client, engineer_headers) == ["PLC_Async"]


def test_rename_errors(client, engineer_headers, cpu):
    add_device(client, engineer_headers, HMI, "HMI_1")
    rename = lambda body: client.post("/api/devices/actions/rename", json=body, headers=engineer_headers)  # noqa: E731
    assert_error(rename({"deviceName": "PLC_1", "newName": "HMI_1"}), 409, "DEVICE_EXISTS")
    assert_error(rename({"deviceName": "PLC_1", "newName": "hmi_1"}), 409, "DEVICE_EXISTS")
    assert_error(rename({"deviceName": "Ghost", "newName": "Other"}), 404, "DEVICE_NOT_FOUND")
    assert_error(rename({"deviceName": "PLC_1", "newName": "bad/name"}), 422, "INVALID_NAME")
    assert_error(rename({"deviceName": "PLC_1"}), 422)
    job = run_job(client, "POST", "/api/devices/actions/rename-async", engineer_headers,
                  json={"deviceName": "PLC_1", "newName": "HMI_1"})
    assert job["status"] == "Failed" and job_error(job)["code"] == "DEVICE_EXISTS"
    assert _names(client, engineer_headers) == ["PLC_1", "HMI_1"]


def test_rename_to_a_different_case_of_itself(client, engineer_headers, cpu):
    renamed = data(
        client.post("/api/devices/actions/rename", json={"deviceName": "PLC_1", "newName": "plc_1"},
                    headers=engineer_headers)
    )
    assert renamed["name"] == "plc_1"


# ----- delete ----------------------------------------------------------------------------------
def test_delete_sync(client, engineer_headers, cpu):
    add_device(client, engineer_headers, HMI, "HMI_1")
    assert data(client.delete("/api/devices/PLC_1", headers=engineer_headers)) == {"deleted": "PLC_1"}
    assert _names(client, engineer_headers) == ["HMI_1"]
    assert_error(client.delete("/api/devices/PLC_1", headers=engineer_headers), 404, "DEVICE_NOT_FOUND")


def test_delete_async(client, engineer_headers, cpu):
    job = run_job(client, "POST", "/api/devices/PLC_1/actions/delete-async", engineer_headers)
    assert job["status"] == "Completed"
    assert job["result"] == {"deleted": "PLC_1"}
    assert _names(client, engineer_headers) == []
    job = run_job(client, "POST", "/api/devices/PLC_1/actions/delete-async", engineer_headers)
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "DEVICE_NOT_FOUND"
    assert job_error(job)["status"] == 404


def test_delete_keeps_the_subnet(client, engineer_headers, cpu):
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    data(client.delete("/api/devices/PLC_1", headers=engineer_headers))
    infra = data(client.get("/api/projects/infrastructure", headers=engineer_headers))
    assert [s["name"] for s in infra["subnets"]] == ["PN/IE_1"]


def test_viewer_cannot_delete(client, viewer_headers, cpu):
    assert_error(client.delete("/api/devices/PLC_1", headers=viewer_headers), 403)


# ----- network ---------------------------------------------------------------------------------
def test_configure_network_sync(client, engineer_headers, cpu):
    device = data(
        configure(client, engineer_headers, "PLC_1", "192.168.1.10", subnetMask="255.255.255.0",
                  interfaceName="PROFINET interface_2", subnetName="Plant")
    )
    x2 = device["interfaces"][1]
    assert (x2["name"], x2["ipAddress"], x2["subnetName"]) == ("PROFINET interface_2", "192.168.1.10", "Plant")
    assert device["interfaces"][0]["ipAddress"] is None


def test_configure_network_async(client, engineer_headers, cpu):
    job = run_job(
        client, "POST", "/api/devices/PLC_1/actions/configure-network", engineer_headers,
        json={"IpAddress": "172.16.0.5", "SubnetMask": "255.255.0.0"},
    )
    assert job["status"] == "Completed"
    assert job["result"]["interfaces"][0]["ipAddress"] == "172.16.0.5"
    job = run_job(
        client, "POST", "/api/devices/PLC_1/actions/configure-network", engineer_headers,
        json={"ipAddress": "300.1.1.1"}
    )
    assert job["status"] == "Failed"
    assert job_error(job)["code"] == "INVALID_IP_ADDRESS"
    assert job_error(job)["status"] == 422


@pytest.mark.parametrize(
    ("ip", "mask", "router", "code"),
    [
        ("192.168.0.256", "255.255.255.0", None, "INVALID_IP_ADDRESS"),
        ("192.168.0", "255.255.255.0", None, "INVALID_IP_ADDRESS"),
        ("not-an-ip", "255.255.255.0", None, "INVALID_IP_ADDRESS"),
        ("192.168.0.1", "255.0.255.0", None, "INVALID_SUBNET_MASK"),  # not contiguous
        ("192.168.0.1", "255.255.255.256", None, "INVALID_SUBNET_MASK"),
        ("192.168.0.1", "0.0.0.0", None, "INVALID_SUBNET_MASK"),
        ("192.168.0.1", "255.255.255.255", None, "INVALID_SUBNET_MASK"),
        ("192.168.0.0", "255.255.255.0", None, "INVALID_IP_ADDRESS"),  # network address
        ("192.168.0.255", "255.255.255.0", None, "INVALID_IP_ADDRESS"),  # broadcast address
        ("127.0.0.1", "255.0.0.0", None, "INVALID_IP_ADDRESS"),
        ("224.0.0.1", "255.255.255.0", None, "INVALID_IP_ADDRESS"),
        ("192.168.0.1", "255.255.255.0", "10.0.0.1", "INVALID_ROUTER_ADDRESS"),  # router outside the subnet
        ("192.168.0.1", "255.255.255.0", "192.168.0.1", "INVALID_ROUTER_ADDRESS"),
    ],
)
def test_ipv4_validation(client, engineer_headers, cpu, ip, mask, router, code):
    body = {"subnetMask": mask} | ({"routerAddress": router} if router else {})
    assert_error(configure(client, engineer_headers, "PLC_1", ip, **body), 422, code)
    details = data(client.get("/api/devices/PLC_1/hardware-details", headers=engineer_headers))
    assert details["interfaces"][0]["ipAddress"] is None  # nothing changed


def test_configure_network_errors(client, engineer_headers, cpu):
    assert_error(configure(client, engineer_headers, "Ghost", "192.168.0.1"), 404, "DEVICE_NOT_FOUND")
    assert_error(
        configure(client, engineer_headers, "PLC_1", "192.168.0.1", interfaceName="X9"), 404, "INTERFACE_NOT_FOUND"
    )
    assert_error(client.post("/api/devices/PLC_1/actions/configure-network-sync", json={}, headers=engineer_headers),
                 422)


def test_profibus_and_mpi_interfaces_take_no_ip_address(client, engineer_headers, cpu):
    body = assert_error(
        configure(client, engineer_headers, "PLC_1", "192.168.0.1", interfaceName="DP interface_1"),
        422, "NOT_AN_ETHERNET_INTERFACE",
    )
    assert "PROFIBUS" in body["message"]
    add_device(client, engineer_headers, "6AV2 123-2GA03-0AX0", "HMI_DP")  # KTP700 Basic DP: MPI/DP only
    assert_error(configure(client, engineer_headers, "HMI_DP", "192.168.0.2"), 422, "NO_INTERFACE")
    assert data(client.get("/api/projects/infrastructure", headers=engineer_headers))["subnets"] == []


def test_duplicate_ip_is_accepted_then_reported_at_compile(client, engineer_headers, cpu):
    add_device(client, engineer_headers, IM, "IO_1")
    data(configure(client, engineer_headers, "PLC_1", "192.168.0.1"))
    data(configure(client, engineer_headers, "IO_1", "192.168.0.1"))  # accepted, as in TIA
    result = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert result["state"] == "Error"
    assert result["errorCount"] > 0
    node = result["messages"][0]
    assert node["path"] == "PLC_1"
    assert node["state"] == "Error"
    nested = node["messages"]
    duplicate = [m for m in nested if "192.168.0.1" in m["description"]]
    assert duplicate and duplicate[0]["state"] == "Error"
    assert duplicate[0]["path"] == "PLC_1/PROFINET interface_1"
    assert "IO_1" in duplicate[0]["description"]
    # fixing the address clears the error
    data(configure(client, engineer_headers, "IO_1", "192.168.0.2"))
    result = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert (result["state"], result["errorCount"]) == ("Success", 0)


def test_same_ip_in_different_subnets_is_fine(client, engineer_headers, cpu):
    add_device(client, engineer_headers, IM, "IO_1")
    data(configure(client, engineer_headers, "PLC_1", "192.168.0.1", subnetName="A"))
    data(configure(client, engineer_headers, "IO_1", "192.168.0.1", subnetName="B"))
    result = data(client.post("/api/devices/IO_1/actions/compile-sync", headers=engineer_headers))
    assert result["errorCount"] == 0


# ----- compile ---------------------------------------------------------------------------------
def test_compile_sync_shape(client, viewer_headers, engineer_headers, cpu):
    result = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert set(result) == {"state", "errorCount", "warningCount", "messages", "diagnostics"}
    assert result["diagnostics"] == []
    assert (result["state"], result["errorCount"], result["warningCount"]) == ("Success", 0, 0)
    assert {"path", "description", "state", "messages"} <= set(result["messages"][0])


def test_compile_async(client, engineer_headers, cpu):
    add_device(client, engineer_headers, IM, "IO_1")
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    configure(client, engineer_headers, "IO_1", "192.168.0.1")
    job = run_job(client, "POST", "/api/devices/IO_1/actions/compile", engineer_headers)
    assert job["status"] == "Completed"  # the compile ran; its result reports the errors
    assert job["result"]["state"] == "Error"
    assert job["result"]["errorCount"] >= 1


def test_compile_warns_about_other_ip_networks_in_one_subnet(client, engineer_headers, cpu):
    add_device(client, engineer_headers, IM, "IO_1")
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    configure(client, engineer_headers, "IO_1", "192.168.1.2")
    result = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert (result["state"], result["errorCount"], result["warningCount"]) == ("Warning", 0, 1)
    warning = result["messages"][0]["messages"][0]
    assert warning["state"] == "Warning"
    assert "IO_1" in warning["description"]


def test_compile_unknown_device(client, engineer_headers, project):
    assert_error(client.post("/api/devices/Ghost/actions/compile-sync", headers=engineer_headers), 404,
                 "DEVICE_NOT_FOUND")
    job = run_job(client, "POST", "/api/devices/Ghost/actions/compile", engineer_headers)
    assert job["status"] == "Failed" and job_error(job)["code"] == "DEVICE_NOT_FOUND"


def test_compile_reports_a_doubly_used_slot(client, engineer_headers, services, cpu):
    _plug(services, "PLC_1", DI_1500, 2, "DI_1")
    _plug(services, "PLC_1", DI_1500, 2, "DI_2")
    result = data(client.post("/api/devices/PLC_1/actions/compile-sync", headers=engineer_headers))
    assert result["state"] == "Error"
    assert any("Slot 2" in m["description"] for m in result["messages"][0]["messages"])


# ----- compatible slots ------------------------------------------------------------------------
def test_compatible_slots(client, viewer_headers, services, cpu):
    _plug(services, "PLC_1", DI_1500, 2, "DI_1")
    slots = data(
        client.get("/api/devices/compatible-slots", params={"deviceName": "PLC_1", "orderNumber": DI_1500},
                   headers=viewer_headers)
    )
    numbers = [s["slot"] for s in slots]
    assert numbers and 2 not in numbers and 1 not in numbers  # occupied slot and the CPU's own slot
    assert numbers[0] == 3
    assert all(s["deviceName"] == "PLC_1" and s["orderNumber"] == DI_1500 and s["slotKind"] == "signal" for s in slots)


def test_compatible_slots_for_a_module_of_another_family_is_empty(client, viewer_headers, cpu):
    et200sp_di = "6ES7 131-6BF01-0BA0"
    assert data(
        client.get("/api/devices/compatible-slots", params={"deviceName": "PLC_1", "orderNumber": et200sp_di},
                   headers=viewer_headers)
    ) == []


def test_compatible_slots_errors(client, viewer_headers, cpu):
    get = lambda params: client.get("/api/devices/compatible-slots", params=params, headers=viewer_headers)  # noqa: E731
    assert_error(get({"deviceName": "Ghost", "orderNumber": DI_1500}), 404, "DEVICE_NOT_FOUND")
    assert_error(get({"deviceName": "PLC_1", "orderNumber": "6ES7 000-0XX00-0AA0"}), 404, "ARTICLE_NOT_FOUND")
    assert_error(get({"deviceName": "PLC_1"}), 422)


# ----- parking lot -----------------------------------------------------------------------------
def test_parking_lot_and_clear(client, engineer_headers, cpu):
    add_device(client, engineer_headers, IM, "IO_parked")
    add_device(client, engineer_headers, IM, "IO_assigned")
    configure(client, engineer_headers, "PLC_1", "192.168.0.1")
    configure(client, engineer_headers, "IO_assigned", "192.168.0.2")
    configure(client, engineer_headers, "IO_parked", "10.0.0.2", subnetName="Island")  # no PLC on that subnet
    parked = data(client.get("/api/projects/devices/parking-lot", headers=engineer_headers))
    assert [d["name"] for d in parked] == ["IO_parked"]
    assert parked[0]["parked"] is True
    assigned = data(client.get("/api/devices/IO_assigned/hardware-details", headers=engineer_headers))
    assert assigned["parked"] is False
    assert assigned["interfaces"][0]["ioSystem"] == "PROFINET IO-System (100)"
    cleared = data(client.post("/api/projects/devices/parking-lot/actions/clear", headers=engineer_headers))
    assert cleared == ["IO_parked"]
    assert data(client.get("/api/projects/devices/parking-lot", headers=engineer_headers)) == []
    assert _names(client, engineer_headers) == ["PLC_1", "IO_assigned"]


def test_parking_lot_needs_a_project(client, engineer_headers):
    assert_error(client.get("/api/projects/devices/parking-lot", headers=engineer_headers), 409, "NO_PROJECT_OPEN")
    assert_error(client.post("/api/projects/devices/parking-lot/actions/clear", headers=engineer_headers), 409,
                 "NO_PROJECT_OPEN")


def test_viewer_cannot_clear_the_parking_lot(client, viewer_headers, project):
    assert_error(client.post("/api/projects/devices/parking-lot/actions/clear", headers=viewer_headers), 403)


def test_a_long_non_ascii_device_name_survives_save_and_reopen(client, engineer_headers, project):
    name = "Förderband_" + "€" * 117  # 128 characters (TIA allows 128), 363 bytes in UTF-8
    add_device(client, engineer_headers, CPU, name)
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    assert _names(client, engineer_headers) == [name]
    data(client.delete(f"/api/devices/{name}", headers=engineer_headers))
    data(client.post("/api/projects/actions/save-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/close-sync", headers=engineer_headers))
    data(client.post("/api/projects/actions/open-sync", json={"path": "Line1/Line1.ap19"}, headers=engineer_headers))
    assert _names(client, engineer_headers) == []
