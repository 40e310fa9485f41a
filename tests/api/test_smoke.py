ME = "query { me { user { email } organization { name } roles permissions chapters { name } } }"


async def test_login_and_me(api, world):
    body = await api.data(
        'mutation($i: LoginInput!) { login(input: $i) { token errors { code message } me { roles } } }',
        {"i": {"email": world.emails["advocate"], "password": "correct horse battery"}})
    token = body["login"]["token"]
    assert token and body["login"]["me"]["roles"] == ["advocate"]
    me = (await api.data(ME, token=token))["me"]
    assert me["user"]["email"] == world.emails["advocate"]
    assert [c["name"] for c in me["chapters"]] == ["North"]
    assert "case:create" in me["permissions"]
