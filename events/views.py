def event_list(r): pass
add_event=event_detail=edit_event=went_again=add_people=delete_event=event_list
