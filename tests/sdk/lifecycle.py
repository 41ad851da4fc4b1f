"""Drives `apigctl serve` with the official Huawei Cloud Python SDK (huaweicloudsdkapig).

Unchanged SDK code; only the endpoint, credentials and project id point at the emulator
(environment: APIGCTL_ENDPOINT, APIGCTL_AK, APIGCTL_SK, APIGCTL_PROJECT, APIGCTL_INSTANCE).
Life cycle: group, environment, variable, APIs of every backend type with backend policies,
list with paging, update, publish, throttling and ACL policies with bindings, plug-in binding,
export, import, unbinding and deletion; VPC channels with their backend servers and an API
whose backend goes through one. Exits non-zero on the first failed expectation.
"""

import json
import os
import sys
import tempfile

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkapig.v2 import *  # noqa: F401,F403 (the SDK's own request and model classes)
from huaweicloudsdkapig.v2 import ApigClient

INSTANCE = os.environ["APIGCTL_INSTANCE"]


def client():
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    credentials = BasicCredentials(
        os.environ["APIGCTL_AK"], os.environ["APIGCTL_SK"], os.environ["APIGCTL_PROJECT"]
    )
    return (
        ApigClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoints([os.environ["APIGCTL_ENDPOINT"]])
        .build()
    )


def expect(condition, what):
    if not condition:
        print("FAILED: " + what, file=sys.stderr)
        sys.exit(1)
    print("ok: " + what)


def expect_error(call, status, code, what):
    try:
        call()
    except exceptions.ClientRequestException as e:
        expect(e.status_code == status and e.error_code == code,
               "%s (got %s %s)" % (what, e.status_code, e.error_code))
        return
    expect(False, what + " (no error)")


def condition(value):
    return ApiConditionBase(req_param_name="tier", condition_type="exact",
                            condition_origin="param", condition_value=value)


def tier_param():
    return [ReqParamBase(name="tier", type="STRING", location="QUERY", required=2)]


def vpc_channels(c):
    health = VpcHealthConfig(protocol="HTTP", path="/health", http_code="200", threshold_normal=2,
                             threshold_abnormal=5, time_interval=10, timeout=5)
    body = VpcCreate(name="sdk_channel", port=8080, balance_strategy=1, member_type="ip", type=2,
                     member_groups=[MemberGroupCreate(member_group_name="primary", member_group_weight=1)],
                     members=[MemberInfo(host="192.168.0.5", weight=1, member_group_name="primary")],
                     vpc_health_config=health)
    channel = c.create_vpc_channel_v2(CreateVpcChannelV2Request(instance_id=INSTANCE, body=body))
    expect(len(channel.id) == 32 and channel.status == 1, "VPC channel created")
    expect_error(lambda: c.create_vpc_channel_v2(CreateVpcChannelV2Request(instance_id=INSTANCE, body=body)),
                 400, "APIG.3208", "duplicate VPC channel name is APIG.3208")
    body.balance_strategy = 2
    updated = c.update_vpc_channel_v2(UpdateVpcChannelV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id, body=body))
    expect(updated.balance_strategy == 2, "VPC channel updated")
    listed = c.list_vpc_channels_v2(ListVpcChannelsV2Request(
        instance_id=INSTANCE, name="sdk_channel", precise_search="name"))
    expect(listed.total == 1 and listed.vpc_channels[0].id == channel.id, "VPC channels listed by name")
    added = c.adding_backend_instances_v2(AddingBackendInstancesV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=VpcMemberCreate(members=[MemberInfo(host="10.0.0.9", weight=3, port=80)])))
    expect(added.total == 1 and added.members[0].host == "10.0.0.9", "backend server added")
    members = c.list_backend_instances_v2(ListBackendInstancesV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id))
    expect(members.total == 2, "backend servers listed")
    c.delete_backend_instance_v2(DeleteBackendInstanceV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id, member_id=added.members[0].id))
    replaced = c.update_backend_instances_v2(UpdateBackendInstancesV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=VpcMemberModify(member_group_name="primary",
                             members=[MemberInfo(host="192.168.0.5", weight=7, member_group_name="primary")])))
    expect(replaced.total == 1 and replaced.members[0].weight == 7, "backend servers of a group replaced")
    c.batch_disable_members(BatchDisableMembersRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=MembersBatchEnableOrDisable(member_ids=[replaced.members[0].id])))
    disabled = c.list_backend_instances_v2(ListBackendInstancesV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id))
    expect(disabled.members[0].status == 2, "backend server disabled")
    c.batch_enable_members(BatchEnableMembersRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=MembersBatchEnableOrDisable(member_ids=[replaced.members[0].id])))
    health = c.update_health_check(UpdateHealthCheckRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=VpcHealthConfig(protocol="TCP", threshold_normal=3, threshold_abnormal=3,
                             time_interval=20, timeout=4)))
    expect(health.protocol == "TCP" and health.vpc_channel_id == channel.id and len(health.id) == 32,
           "health check updated")
    expect_error(lambda: c.update_health_check(UpdateHealthCheckRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=VpcHealthConfig(protocol="TCP", threshold_normal=3, threshold_abnormal=3,
                             time_interval=5, timeout=5))), 400, "APIG.2011",
                 "health check timeout not below its interval is APIG.2011")
    groups = c.create_member_group(CreateMemberGroupRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        body=MemberGroupCreateBatch(member_groups=[MemberGroupCreate(member_group_name="spare")])))
    expect(groups.total == 1 and groups.member_groups[0].member_group_name == "spare",
           "backend server group added")
    listed_groups = c.list_member_groups(ListMemberGroupsRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id))
    expect(listed_groups.total == 2, "backend server groups listed")
    c.delete_member_group(DeleteMemberGroupRequest(
        instance_id=INSTANCE, vpc_channel_id=channel.id,
        member_group_id=groups.member_groups[0].member_group_id))
    shown = c.show_details_of_vpc_channel_v2(ShowDetailsOfVpcChannelV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id))
    expect(len(shown.members) == 1 and len(shown.member_groups) == 1 and shown.members[0].status == 1
           and shown.vpc_health_config.timeout == 4, "VPC channel shown")

    group = c.create_api_group_v2(CreateApiGroupV2Request(
        instance_id=INSTANCE, body=ApiGroupCreate(name="sdk_vpc")))
    api = c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
        group_id=group.id, name="sdk_vpc_api", type=1, req_protocol="HTTPS", req_method="GET",
        req_uri="/inner", auth_type="NONE", backend_type="HTTP",
        backend_api=BackendApiCreate(req_protocol="HTTP", req_method="GET", req_uri="/inner",
                                     timeout=5000, vpc_channel_status=1,
                                     vpc_channel_info=ApiBackendVpcReq(vpc_channel_id=channel.id,
                                                                       vpc_channel_proxy_host="inner.local")))))
    expect(api.backend_api.vpc_channel_info.vpc_channel_id == channel.id, "HTTP-VPC API created")
    expect_error(lambda: c.delete_vpc_channel_v2(DeleteVpcChannelV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id)), 403, "APIG.3414", "VPC channel in use stays")
    c.delete_api_v2(DeleteApiV2Request(instance_id=INSTANCE, api_id=api.id))
    c.delete_api_group_v2(DeleteApiGroupV2Request(instance_id=INSTANCE, group_id=group.id))
    c.delete_vpc_channel_v2(DeleteVpcChannelV2Request(instance_id=INSTANCE, vpc_channel_id=channel.id))
    expect_error(lambda: c.show_details_of_vpc_channel_v2(ShowDetailsOfVpcChannelV2Request(
        instance_id=INSTANCE, vpc_channel_id=channel.id)), 404, "APIG.3023", "deleted VPC channel is APIG.3023")


def main():
    c = client()

    group = c.create_api_group_v2(CreateApiGroupV2Request(
        instance_id=INSTANCE, body=ApiGroupCreate(name="sdk_shop", remark="from the SDK")))
    expect(len(group.id) == 32, "group created with a 32-character id")
    expect_error(lambda: c.create_api_group_v2(CreateApiGroupV2Request(
        instance_id=INSTANCE, body=ApiGroupCreate(name="sdk_shop"))),
        400, "APIG.3201", "duplicate group name is APIG.3201")

    env = c.create_environment_v2(CreateEnvironmentV2Request(
        instance_id=INSTANCE, body=EnvCreate(name="SDK_TEST", remark="sdk")))
    var = c.create_environment_variable_v2(CreateEnvironmentVariableV2Request(
        instance_id=INSTANCE, body=EnvVariableCreate(
            group_id=group.id, env_id=env.id, variable_name="backend", variable_value="10.0.0.1")))
    expect(var.variable_name == "backend", "environment variable created")

    http_api = c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
        group_id=group.id, name="sdk_http", type=1, req_protocol="HTTPS", req_method="GET",
        req_uri="/items/{id}", auth_type="APP", backend_type="HTTP",
        req_params=[ReqParamBase(name="id", type="STRING", location="PATH", required=1)] + tier_param(),
        backend_api=BackendApiCreate(req_protocol="HTTPS", req_method="GET", req_uri="/items/{id}",
                                     url_domain="backend.example.com", timeout=5000, retry_count="-1"),
        backend_params=[BackendParamBase(origin="REQUEST", name="id", location="PATH", value="id")],
        policy_https=[ApiPolicyHttpCreate(
            name="gold_tier", effect_mode="ANY", req_protocol="HTTPS", req_method="GET",
            req_uri="/gold/{id}", url_domain="gold.example.com", timeout=3000,
            conditions=[condition("gold")])])))
    expect(http_api.backend_api.url_domain == "backend.example.com", "HTTP API with policy created")

    func_api = c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
        group_id=group.id, name="sdk_function", type=1, req_protocol="HTTPS", req_method="POST",
        req_uri="/reports", auth_type="IAM", backend_type="FUNCTION", req_params=tier_param(),
        func_info=ApiFuncCreate(function_urn="urn:fss:region:project:function:default:report",
                                invocation_type="sync", network_type="V1", timeout=5000,
                                version="latest"),
        policy_functions=[ApiPolicyFunctionCreate(
            name="async_tier", effect_mode="ALL",
            function_urn="urn:fss:region:project:function:default:report_async",
            invocation_type="async", network_type="V2", timeout=10000,
            conditions=[condition("async")])])))
    expect(func_api.func_info.invocation_type == "sync", "FUNCTION API with policy created")

    mock_api = c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
        group_id=group.id, name="sdk_mock", type=2, req_protocol="BOTH", req_method="ANY",
        req_uri="/health", auth_type="NONE", backend_type="MOCK", match_mode="SWA",
        req_params=tier_param(),
        mock_info=ApiMockCreate(result_content='{"status": "UP"}'),
        policy_mocks=[ApiPolicyMockCreate(name="down_tier", effect_mode="ANY",
                                          result_content='{"status": "DOWN"}',
                                          conditions=[condition("down")])])))
    expect(mock_api.mock_info.result_content == '{"status": "UP"}', "MOCK API with policy created")

    grpc_api = c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
        group_id=group.id, name="sdk_grpc", type=1, req_protocol="GRPCS", req_method="POST",
        req_uri="/grpc.Service/Call", auth_type="APP", backend_type="GRPC",
        backend_api=BackendApiCreate(req_protocol="GRPCS", req_method="POST",
                                     req_uri="/grpc.Service/Call", url_domain="grpc.example.com",
                                     timeout=5000))))
    expect(grpc_api.backend_type == "GRPC", "GRPC API created")

    expect_error(lambda: c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
        group_id=group.id, name="sdk_clash", type=1, req_protocol="HTTPS", req_method="GET",
        req_uri="/items/{item}", auth_type="NONE", backend_type="MOCK",
        req_params=[ReqParamBase(name="item", type="STRING", location="PATH", required=1)],
        mock_info=ApiMockCreate(result_content="x")))),
        400, "APIG.3301", "same method, path and match mode is APIG.3301")

    for i in range(5):
        c.create_api_v2(CreateApiV2Request(instance_id=INSTANCE, body=ApiCreate(
            group_id=group.id, name="sdk_extra_%d" % i, type=1, req_protocol="HTTPS",
            req_method="GET", req_uri="/extra/%d" % i, auth_type="NONE", backend_type="MOCK",
            mock_info=ApiMockCreate(result_content="x"))))
    page1 = c.list_apis_v2(ListApisV2Request(instance_id=INSTANCE, group_id=group.id, limit=4))
    page3 = c.list_apis_v2(ListApisV2Request(instance_id=INSTANCE, group_id=group.id, limit=4, offset=8))
    expect(page1.total == 9 and page1.size == 4 and len(page1.apis) == 4, "list page 1 of 9 APIs")
    expect(page3.size == 1, "list last page")
    seen = {a.id for a in page1.apis}
    expect(len(seen) == 4, "page items are distinct")

    updated = c.update_api_v2(UpdateApiV2Request(instance_id=INSTANCE, api_id=mock_api.id, body=ApiCreate(
        group_id=group.id, name="sdk_mock", type=2, req_protocol="BOTH", req_method="ANY",
        req_uri="/health", auth_type="NONE", backend_type="MOCK", match_mode="SWA",
        remark="updated", mock_info=ApiMockCreate(result_content='{"status": "OK"}'))))
    expect(updated.remark == "updated" and updated.id == mock_api.id, "API updated")

    publish_ids = {}
    for api in (http_api, func_api, mock_api, grpc_api):
        published = c.create_or_delete_publish_record_for_api_v2(
            CreateOrDeletePublishRecordForApiV2Request(instance_id=INSTANCE, body=ApiActionInfo(
                action="online", env_id=env.id, api_id=api.id, remark="v1")))
        publish_ids[api.id] = published.publish_id
    shown = c.show_details_of_api_v2(ShowDetailsOfApiV2Request(instance_id=INSTANCE, api_id=http_api.id))
    expect(shown.run_env_name == "SDK_TEST", "API shows its publication")
    versions = c.list_api_versions_v2(ListApiVersionsV2Request(instance_id=INSTANCE, api_id=http_api.id))
    expect(versions.total == 1, "one published version")

    throttle = c.create_request_throttling_policy_v2(CreateRequestThrottlingPolicyV2Request(
        instance_id=INSTANCE, body=ThrottleBaseInfo(name="sdk_limit", api_call_limits=100,
                                                    user_call_limits=50, app_call_limits=20,
                                                    time_interval=1, time_unit="SECOND", type=1)))
    bound = c.associate_request_throttling_policy_v2(AssociateRequestThrottlingPolicyV2Request(
        instance_id=INSTANCE, body=ThrottleApiBindingCreate(
            strategy_id=throttle.id, publish_ids=[publish_ids[http_api.id], publish_ids[mock_api.id]])))
    expect(len(bound.throttle_applys) == 2, "throttling policy bound to two APIs")
    bound_apis = c.list_apis_binded_to_request_throttling_policy_v2(
        ListApisBindedToRequestThrottlingPolicyV2Request(instance_id=INSTANCE, throttle_id=throttle.id))
    expect(bound_apis.total == 2, "throttling policy lists its APIs")

    acl = c.create_acl_strategy_v2(CreateAclStrategyV2Request(instance_id=INSTANCE, body=ApiAclCreate(
        acl_name="sdk_office", acl_type="PERMIT", acl_value="10.0.0.0/8,192.168.1.1", entity_type="IP")))
    acl_bound = c.create_api_acl_binding_v2(CreateApiAclBindingV2Request(
        instance_id=INSTANCE, body=AclApiBindingCreate(acl_id=acl.id, publish_ids=[publish_ids[http_api.id]])))
    expect(len(acl_bound.acl_bindings) == 1, "ACL bound")
    acls = c.list_acl_policy_binded_to_api_v2(ListAclPolicyBindedToApiV2Request(
        instance_id=INSTANCE, api_id=http_api.id))
    expect(acls.total == 1 and acls.acls[0].acl_id == acl.id, "API lists its ACL")
    expect_error(lambda: c.delete_acl_v2(DeleteAclV2Request(instance_id=INSTANCE, acl_id=acl.id)),
                 403, "APIG.3447", "bound ACL cannot be deleted")

    plugin = c.create_plugin(CreatePluginRequest(instance_id=INSTANCE, body=PluginCreate(
        plugin_name="sdk_cors", plugin_type="cors", plugin_scope="global",
        plugin_content=json.dumps({"allow_origin": "*", "allow_methods": "GET,POST"}))))
    attached = c.attach_api_to_plugin(AttachApiToPluginRequest(
        instance_id=INSTANCE, plugin_id=plugin.plugin_id,
        body=PluginOperApiInfo(env_id=env.id, api_ids=[http_api.id, mock_api.id])))
    expect(len(attached.attached_plugins) == 2, "plug-in bound to two APIs")
    plugin_apis = c.list_plugin_attached_apis(ListPluginAttachedApisRequest(
        instance_id=INSTANCE, plugin_id=plugin.plugin_id))
    expect(plugin_apis.total == 2, "plug-in lists its APIs")

    exported = c.export_api_definitions_v2(ExportApiDefinitionsV2Request(
        instance_id=INSTANCE, oas_version="3.0",
        body=ExportOpenApiReq(env_id=env.id, group_id=group.id, define="spec", type="json")))
    # consume_download_stream returns nothing: collect the body through the callback.
    chunks = []
    exported.consume_download_stream(lambda r: chunks.append(r.content))
    document = json.loads(chunks[0])
    expect(len(document["paths"]) == 4, "export holds the four published APIs")

    document["info"]["title"] = "sdk_shop_copy"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(document, f)
        path = f.name
    imported = c.import_api_definitions_v2(ImportApiDefinitionsV2Request(
        instance_id=INSTANCE, body=ImportApiDefinitionsV2RequestBody(
            is_create_group=True, extend_mode="merge", file_name=FormFile(open(path, "rb")))))
    expect(len(imported.success) == 4 and not imported.failure, "import of the export creates four APIs")
    copy_apis = c.list_apis_v2(ListApisV2Request(instance_id=INSTANCE, group_id=imported.group_id))
    expect(copy_apis.total == 4, "imported group lists four APIs")

    # Tear down: unbind, take offline, delete.
    c.detach_api_from_plugin(DetachApiFromPluginRequest(
        instance_id=INSTANCE, plugin_id=plugin.plugin_id,
        body=PluginOperApiInfo(env_id=env.id, api_ids=[http_api.id, mock_api.id])))
    c.delete_api_acl_binding_v2(DeleteApiAclBindingV2Request(
        instance_id=INSTANCE, acl_bindings_id=acl_bound.acl_bindings[0].id))
    c.disassociate_request_throttling_policy_v2(DisassociateRequestThrottlingPolicyV2Request(
        instance_id=INSTANCE, throttle_binding_id=bound.throttle_applys[0].id))
    c.delete_acl_v2(DeleteAclV2Request(instance_id=INSTANCE, acl_id=acl.id))
    c.delete_request_throttling_policy_v2(DeleteRequestThrottlingPolicyV2Request(
        instance_id=INSTANCE, throttle_id=throttle.id))
    c.delete_plugin(DeletePluginRequest(instance_id=INSTANCE, plugin_id=plugin.plugin_id))
    expect_error(lambda: c.delete_environment_v2(DeleteEnvironmentV2Request(
        instance_id=INSTANCE, env_id=env.id)), 403, "APIG.3418", "environment with published APIs stays")
    batch = c.batch_publish_or_offline_api_v2(BatchPublishOrOfflineApiV2Request(
        instance_id=INSTANCE, action="offline", body=ApiBatchPublish(env_id=env.id, group_id=group.id)))
    expect(len(batch.success) == 4, "batch offline of the group")
    for gid in (group.id, imported.group_id):
        apis = c.list_apis_v2(ListApisV2Request(instance_id=INSTANCE, group_id=gid, limit=500))
        for api in apis.apis:
            c.delete_api_v2(DeleteApiV2Request(instance_id=INSTANCE, api_id=api.id))
        c.delete_api_group_v2(DeleteApiGroupV2Request(instance_id=INSTANCE, group_id=gid))
    c.delete_environment_v2(DeleteEnvironmentV2Request(instance_id=INSTANCE, env_id=env.id))
    vpc_channels(c)
    groups = c.list_api_groups_v2(ListApiGroupsV2Request(instance_id=INSTANCE))
    expect(groups.total == 0, "everything deleted")
    expect_error(lambda: c.show_details_of_api_v2(ShowDetailsOfApiV2Request(
        instance_id=INSTANCE, api_id=http_api.id)), 404, "APIG.3002", "deleted API is APIG.3002")
    print("lifecycle passed")


if __name__ == "__main__":
    main()
