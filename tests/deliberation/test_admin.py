def test_a_step_is_authored_in_the_admin_with_its_options_and_statements(admin_client, dilemma):
    page = admin_client.get(f"/admin/workshops/step/{dilemma.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert dilemma.options.first().label in html
    assert 'name="statements-TOTAL_FORMS"' in html
    assert 'name="settings"' in html


def test_the_codebook_is_edited_in_the_admin(admin_client, workshop):
    page = admin_client.get("/admin/deliberation/code/")
    assert page.status_code == 200
    assert "Equal treatment" in page.content.decode()
    response = admin_client.post(
        "/admin/deliberation/code/add/",
        {"workshop": workshop.pk, "name": "Trust", "description": "Citizens' trust"},
    )
    assert response.status_code == 302
    assert workshop.codes.filter(name="Trust").exists()
