def test_a_step_is_authored_in_the_admin_with_its_options_and_statements(admin_client, dilemma):
    page = admin_client.get(f"/admin/workshops/step/{dilemma.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert dilemma.options.first().label in html
    assert 'name="statements-TOTAL_FORMS"' in html
    assert 'name="settings"' in html
